//! Settings files as Windows tools and people make them: UTF-16 without a BOM, a
//! second YAML document, a large estate. Messages are crmctl's words, never a
//! library's (issue 18, items 16 and 17).

use crate::support::Sandbox;
use crate::validate::{good_rows, yaml};

fn validate(sb: &Sandbox, file: &std::path::Path) -> crate::support::Run {
    let key = sb.key_profile();
    sb.run(
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "validate-settings",
            file.to_str().expect("utf8"),
        ],
        &[],
        "",
    )
}

#[test]
fn utf16_without_a_bom_reads_as_its_utf8_twin() {
    let sb = Sandbox::new();
    let text = yaml(&[("a", good_rows("ucc.contoso.local"))]);
    let utf8 = sb.write_private("utf8.yaml", &text);
    let twin = validate(&sb, &utf8);
    for (name, bytes) in [
        (
            "le.yaml",
            text.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
        ),
        (
            "be.yaml",
            text.encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect::<Vec<u8>>(),
        ),
    ] {
        let p = sb.path(name);
        std::fs::write(&p, bytes).expect("write");
        let out = validate(&sb, &p);
        assert_eq!(out.code, twin.code, "{name}: {}", out.stderr);
        assert!(
            !out.stderr.contains("unexpected character"),
            "{}",
            out.stderr
        );
        assert_eq!(out.stdout.replace(name, "utf8.yaml"), twin.stdout, "{name}");
    }
}

#[test]
fn a_second_yaml_document_is_explained_not_named_as_a_function() {
    let sb = Sandbox::new();
    let one = yaml(&[("a", good_rows("ucc.contoso.local"))]);
    let f = sb.write_private("two.yaml", &format!("{one}---\n{one}"));
    let out = validate(&sb, &f);
    out.assert_code(3);
    assert!(
        out.stderr.contains("more than one YAML document"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("from_str"), "{}", out.stderr);
}
