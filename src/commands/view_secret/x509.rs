//! Just enough DER to summarise a certificate: subject, issuer, validity and the
//! subject alternative names. Anything unexpected yields `None` rather than a guess.

/// What `view-secret` shows about each certificate of a `tls.crt` chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
}

/// One DER element: tag, contents, and the rest of the input after it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The elements inside a constructed element's contents.
fn children(mut contents: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !contents.is_empty() {
        let (tag, body, rest) = element(contents)?;
        out.push((tag, body));
        contents = rest;
    }
    Some(out)
}

fn oid(body: &[u8]) -> String {
    let mut parts = Vec::new();
    if let Some((&first, rest)) = body.split_first() {
        parts.push((first / 40) as u64);
        parts.push((first % 40) as u64);
        let mut acc = 0u64;
        for b in rest {
            acc = (acc << 7) | (b & 0x7f) as u64;
            if b & 0x80 == 0 {
                parts.push(acc);
                acc = 0;
            }
        }
    }
    parts.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// A Name as `CN=example.com, O=Example`, attributes in encoding order.
fn name(body: &[u8]) -> Option<String> {
    let mut attrs = Vec::new();
    for (_, set) in children(body)? {
        for (_, atv) in children(set)? {
            let parts = children(atv)?;
            let (oid_tag, oid_body) = *parts.first()?;
            if oid_tag != 0x06 {
                return None;
            }
            let label = match oid(oid_body).as_str() {
                "2.5.4.3" => "CN".to_string(),
                "2.5.4.6" => "C".to_string(),
                "2.5.4.7" => "L".to_string(),
                "2.5.4.8" => "ST".to_string(),
                "2.5.4.10" => "O".to_string(),
                "2.5.4.11" => "OU".to_string(),
                "2.5.4.5" => "SERIALNUMBER".to_string(),
                other => other.to_string(),
            };
            let value = String::from_utf8_lossy(parts.get(1)?.1).into_owned();
            attrs.push(format!("{label}={value}"));
        }
    }
    Some(attrs.join(", "))
}

/// UTCTime or GeneralizedTime as RFC 3339.
fn time(tag: u8, body: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(body).ok()?.strip_suffix('Z')?;
    let full = match tag {
        0x17 if s.len() == 12 => {
            let yy: u32 = s[..2].parse().ok()?;
            format!("{}{s}", if yy < 50 { "20" } else { "19" })
        }
        0x18 if s.len() == 14 => s.to_string(),
        _ => return None,
    };
    if !full.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{}-{}-{}T{}:{}:{}Z", &full[..4], &full[4..6], &full[6..8], &full[8..10], &full[10..12], &full[12..14]))
}

pub fn summarize(der: &[u8]) -> Option<Summary> {
    let (_, cert, _) = element(der)?;
    let (_, tbs, _) = element(cert)?;
    let mut fields = children(tbs)?.into_iter().peekable();
    if fields.peek()?.0 == 0xa0 {
        fields.next();
    }
    let _serial = fields.next()?;
    let _sig_alg = fields.next()?;
    let issuer = name(fields.next()?.1)?;
    let validity = children(fields.next()?.1)?;
    let not_before = time(validity.first()?.0, validity.first()?.1)?;
    let not_after = time(validity.get(1)?.0, validity.get(1)?.1)?;
    let subject = name(fields.next()?.1)?;
    let mut summary = Summary { subject, issuer, not_before, not_after, dns_names: Vec::new(), ip_addresses: Vec::new() };
    for (tag, body) in fields {
        if tag != 0xa3 {
            continue;
        }
        let (_, exts, _) = element(body)?;
        for (_, ext) in children(exts)? {
            let parts = children(ext)?;
            if oid(parts.first()?.1) != "2.5.29.17" {
                continue;
            }
            let (_, value) = parts.last()?;
            let (_, names, _) = element(value)?;
            for (tag, n) in children(names)? {
                match tag {
                    0x82 => summary.dns_names.push(String::from_utf8_lossy(n).into_owned()),
                    0x87 if n.len() == 4 => summary.ip_addresses.push(std::net::Ipv4Addr::new(n[0], n[1], n[2], n[3]).to_string()),
                    0x87 if n.len() == 16 => {
                        let b: [u8; 16] = n.try_into().ok()?;
                        summary.ip_addresses.push(std::net::Ipv6Addr::from(b).to_string());
                    }
                    _ => {}
                }
            }
        }
    }
    Some(summary)
}

/// The certificates of a PEM bundle, summarised (unparseable ones skipped).
pub fn summarize_pem(pem: &[u8]) -> Vec<Summary> {
    let mut reader = std::io::BufReader::new(pem);
    rustls_pemfile::certs(&mut reader).filter_map(Result::ok).filter_map(|der| summarize(der.as_ref())).collect()
}
