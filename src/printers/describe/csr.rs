//! `kubectl describe certificatesigningrequest`: the request's subject and
//! alternative names, read from its PEM/DER PKCS#10 body.

use base64::Engine;
use serde_json::Value;

use super::cluster::format_labels;
use super::common::{arr, events, s, time};
use super::writer::{Writer, LEVEL_0};
use super::DescribeContext;
use crate::dw;

pub fn describe(csr: &Value, ctx: &DescribeContext) -> String {
    let (meta, spec, status) = (&csr["metadata"], &csr["spec"], &csr["status"]);
    let request = parse_request(s(&spec["request"])).unwrap_or_default();
    let mut w = Writer::new();
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Labels:\t{}\n", format_labels(&meta["labels"]));
    dw!(w, LEVEL_0, "Annotations:\t{}\n", format_labels(&meta["annotations"]));
    dw!(w, LEVEL_0, "CreationTimestamp:\t{}\n", time(&meta["creationTimestamp"]));
    dw!(w, LEVEL_0, "Requesting User:\t{}\n", s(&spec["username"]));
    if !s(&spec["signerName"]).is_empty() {
        dw!(w, LEVEL_0, "Signer:\t{}\n", s(&spec["signerName"]));
    }
    if let Some(secs) = spec["expirationSeconds"].as_i64() {
        dw!(w, LEVEL_0, "Requested Duration:\t{}\n", crate::printers::age::human_duration(secs));
    }
    dw!(w, LEVEL_0, "Status:\t{}\n", status_text(status));
    w.write(LEVEL_0, "Subject:\n");
    let subject = &request.subject;
    dw!(w, LEVEL_0, "\tCommon Name:\t{}\n", subject.common_name);
    dw!(w, LEVEL_0, "\tSerial Number:\t{}\n", subject.serial_number);
    for (name, values) in [
        ("Organization", &subject.organization),
        ("Organizational Unit", &subject.organizational_unit),
        ("Country", &subject.country),
        ("Locality", &subject.locality),
        ("Province", &subject.province),
        ("StreetAddress", &subject.street_address),
        ("PostalCode", &subject.postal_code),
    ] {
        list(&mut w, name, values);
    }
    if !(request.dns.is_empty() && request.emails.is_empty() && request.ips.is_empty() && request.uris.is_empty()) {
        w.write(LEVEL_0, "Subject Alternative Names:\n");
        list(&mut w, "DNS Names", &request.dns);
        list(&mut w, "Email Addresses", &request.emails);
        list(&mut w, "URIs", &request.uris);
        list(&mut w, "IP Addresses", &request.ips);
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

/// kubectl's `printListHelper` with a tab prefix.
fn list(w: &mut Writer, name: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    dw!(w, LEVEL_0, "\t{name}:\t");
    w.write(LEVEL_0, &values.join("\n\t\t"));
    w.write(LEVEL_0, "\n");
}

/// `extractCSRStatus`: Denied over Approved over Pending, then Failed and Issued.
fn status_text(status: &Value) -> String {
    let types: Vec<&str> = arr(&status["conditions"]).iter().map(|c| s(&c["type"])).collect();
    let mut text = if types.contains(&"Denied") {
        "Denied".to_string()
    } else if types.contains(&"Approved") {
        "Approved".to_string()
    } else {
        "Pending".to_string()
    };
    if types.contains(&"Failed") {
        text.push_str(",Failed");
    }
    if !s(&status["certificate"]).is_empty() {
        text.push_str(",Issued");
    }
    text
}

#[derive(Default)]
struct Subject {
    common_name: String,
    serial_number: String,
    country: Vec<String>,
    organization: Vec<String>,
    organizational_unit: Vec<String>,
    locality: Vec<String>,
    province: Vec<String>,
    street_address: Vec<String>,
    postal_code: Vec<String>,
}

#[derive(Default)]
struct Request {
    subject: Subject,
    dns: Vec<String>,
    emails: Vec<String>,
    uris: Vec<String>,
    ips: Vec<String>,
}

/// `spec.request` (base64 of PEM) to the fields describe shows.
fn parse_request(b64: &str) -> Option<Request> {
    let pem = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let pem = String::from_utf8(pem).ok()?;
    let body: String = pem.lines().skip_while(|l| !l.starts_with("-----BEGIN")).skip(1).take_while(|l| !l.starts_with("-----END")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body.trim()).ok()?;
    let (_, csr, _) = tlv(&der)?;
    let (_, info, _) = tlv(csr)?;
    let (_, _version, rest) = tlv(info)?;
    let (_, name, rest) = tlv(rest)?;
    let (_, _public_key, rest) = tlv(rest)?;
    let mut request = Request { subject: subject(name)?, ..Default::default() };
    if let Some((0xa0, attributes, _)) = tlv(rest) {
        alternative_names(attributes, &mut request);
    }
    Some(request)
}

/// One DER element: tag, contents, and what follows.
fn tlv(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *data.first()?;
    let first = *data.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let len = data.get(2..2 + n)?.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((tag, data.get(header..end)?, data.get(end..)?))
}

/// The elements of a SEQUENCE or SET body.
fn elements(mut data: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    while let Some((tag, content, rest)) = tlv(data) {
        out.push((tag, content));
        data = rest;
    }
    out
}

/// A directory string (UTF8, Printable, IA5, T61, Numeric, BMP).
fn string(tag: u8, content: &[u8]) -> Option<String> {
    match tag {
        0x0c | 0x13 | 0x16 | 0x12 => String::from_utf8(content.to_vec()).ok(),
        0x14 => Some(content.iter().map(|b| *b as char).collect()),
        0x1e => {
            let units: Vec<u16> = content.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// pkix.Name's FillFromRDNSequence for the attributes describe prints.
fn subject(name: &[u8]) -> Option<Subject> {
    let mut subject = Subject::default();
    for (_, set) in elements(name) {
        for (_, attribute) in elements(set) {
            let (_, oid, rest) = tlv(attribute)?;
            let (tag, value, _) = tlv(rest)?;
            let Some(value) = string(tag, value) else { continue };
            if oid.len() != 3 || oid[..2] != [0x55, 0x04] {
                continue;
            }
            match oid[2] {
                3 => subject.common_name = value,
                5 => subject.serial_number = value,
                6 => subject.country.push(value),
                7 => subject.locality.push(value),
                8 => subject.province.push(value),
                9 => subject.street_address.push(value),
                10 => subject.organization.push(value),
                11 => subject.organizational_unit.push(value),
                17 => subject.postal_code.push(value),
                _ => {}
            }
        }
    }
    Some(subject)
}

const EXTENSION_REQUEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e];
const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];

/// The subjectAltName extension of the extensionRequest attribute.
fn alternative_names(attributes: &[u8], request: &mut Request) {
    for (_, attribute) in elements(attributes) {
        let Some((_, oid, rest)) = tlv(attribute) else { continue };
        if oid != EXTENSION_REQUEST {
            continue;
        }
        let Some((_, values, _)) = tlv(rest) else { continue };
        for (_, extensions) in elements(values) {
            for (_, extension) in elements(extensions) {
                let parts = elements(extension);
                let Some((_, id)) = parts.first() else { continue };
                if *id != SUBJECT_ALT_NAME {
                    continue;
                }
                let Some((_, value)) = parts.iter().find(|(tag, _)| *tag == 0x04) else { continue };
                let Some((_, names, _)) = tlv(value) else { continue };
                for (tag, content) in elements(names) {
                    let text = || String::from_utf8_lossy(content).into_owned();
                    match tag {
                        0x81 => request.emails.push(text()),
                        0x82 => request.dns.push(text()),
                        0x86 => request.uris.push(text()),
                        0x87 => request.ips.push(ip_text(content)),
                        _ => {}
                    }
                }
            }
        }
    }
}

/// Go's `net.IP.String()`: IPv4-mapped addresses in dotted form.
fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let octets: [u8; 16] = bytes.try_into().unwrap();
            let v6 = std::net::Ipv6Addr::from(octets);
            match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => v6.to_string(),
            }
        }
        _ => format!("?{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()),
    }
}
