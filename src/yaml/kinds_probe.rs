#[test]
fn probe() {
    use serde_saphyr::granit_parser::Parser;
    for f in ["d01","d02","d03","d04","d05","d09","d10","d11","d13","d14","d17","d19","d21","d22","d24","d25"] {
        let t = std::fs::read_to_string(format!("/tmp/corpus/{f}.yaml")).unwrap();
        for ev in Parser::new_from_str(&t) {
            if let Err(e) = ev { println!("{f}: {:?} line={} col={} idx={}", e.kind(), e.marker().line(), e.marker().col(), e.marker().index()); break; }
        }
    }
}
