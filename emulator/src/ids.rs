//! Salesforce record ids: 15 case-sensitive characters plus a 3-character checksum
//! that makes the 18-character form case-insensitively unique.

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CHECKSUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// Key prefixes of the objects the emulator knows.
pub fn key_prefix(object: &str) -> &'static str {
    match object {
        "Account" => "001",
        "Contact" => "003",
        "Lead" => "00Q",
        "Case" => "500",
        "Task" => "00T",
        "User" => "005",
        "Organization" => "00D",
        _ => "a00",
    }
}

/// The 18-character id of the `n`th record with this key prefix.
pub fn make_id(prefix: &str, n: u64) -> String {
    // 3 prefix + "5g" (pod) + "0" (reserved) + 9 base62 digits.
    let mut digits = [b'0'; 9];
    let mut v = n;
    for d in digits.iter_mut().rev() {
        *d = BASE62[(v % 62) as usize];
        v /= 62;
    }
    let id15 = format!("{prefix}5g0{}", String::from_utf8_lossy(&digits));
    with_checksum(&id15)
}

/// Appends the checksum to a 15-character id.
pub fn with_checksum(id15: &str) -> String {
    let bytes = id15.as_bytes();
    let mut out = String::with_capacity(18);
    out.push_str(id15);
    for chunk in bytes.chunks(5) {
        let mut bits = 0usize;
        for (i, c) in chunk.iter().enumerate() {
            if c.is_ascii_uppercase() {
                bits |= 1 << i;
            }
        }
        out.push(CHECKSUM[bits] as char);
    }
    out
}

/// Whether `s` is a well-formed 15- or 18-character id (checksum verified).
pub fn is_valid_id(s: &str) -> bool {
    let ok_chars = s.bytes().all(|b| b.is_ascii_alphanumeric());
    match s.len() {
        15 => ok_chars,
        18 => ok_chars && with_checksum(&s[..15]).eq_ignore_ascii_case(s),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_checksum() {
        // A documented example pair: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
        assert_eq!(with_checksum("001A0000006Vm9r"), "001A0000006Vm9rIAC");
    }

    #[test]
    fn made_ids_are_18_characters_with_the_prefix() {
        let id = make_id("003", 12345);
        assert_eq!(id.len(), 18);
        assert!(id.starts_with("0035g0"));
        assert!(is_valid_id(&id));
        assert!(!is_valid_id("003xx"));
        assert_ne!(make_id("003", 1), make_id("003", 2));
    }
}
