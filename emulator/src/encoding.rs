//! Compressed request bodies: `Content-Encoding: gzip` or `deflate`, which REST
//! API "decompresses ... before processing" (intro_rest_compression.htm, README
//! source 28). The decompressed body has the same 1 MiB cap as a plain one, so
//! a small "zip bomb" is refused (413) instead of filling memory.

use std::io::Read;

use crate::query_error::ApiError;

/// The body as the routes see it, or the error to answer.
pub fn decode(
    content_encoding: Option<&str>,
    body: &[u8],
    max: usize,
) -> Result<Vec<u8>, ApiError> {
    let encoding = content_encoding
        .map(|e| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let reader: Box<dyn Read + '_> = match encoding.as_str() {
        "" | "identity" => return Ok(body.to_vec()),
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(body)),
        // HTTP's "deflate" is zlib (RFC 9110 8.4.1.2); some clients send raw deflate.
        "deflate" if body.first().is_some_and(|b| b & 0x0f == 8) => {
            Box::new(flate2::read::ZlibDecoder::new(body))
        }
        "deflate" => Box::new(flate2::read::DeflateDecoder::new(body)),
        other => {
            return Err(ApiError::new(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                format!("Content-Encoding {other} is not supported: use gzip or deflate"),
            ));
        }
    };
    let mut out = Vec::new();
    reader
        .take(max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            ApiError::bad_request(
                "JSON_PARSER_ERROR",
                format!("The request body could not be decompressed ({encoding}): {e}"),
            )
        })?;
    if out.len() > max {
        return Err(ApiError::new(
            413,
            "REQUEST_ENTITY_TOO_LARGE",
            "Request body too large",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).expect("write");
        e.finish().expect("finish")
    }

    #[test]
    fn decodes_gzip_and_both_deflates_and_refuses_the_rest() {
        let data = br#"{"Name": "Zipped"}"#;
        assert_eq!(decode(Some("gzip"), &gzip(data), 100).expect("gzip"), data);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(data).expect("write");
        assert_eq!(
            decode(Some("Deflate"), &z.finish().expect("z"), 100).expect("zlib"),
            data
        );
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        d.write_all(data).expect("write");
        assert_eq!(
            decode(Some("deflate"), &d.finish().expect("d"), 100).expect("raw"),
            data
        );
        assert_eq!(decode(None, data, 100).expect("plain"), data);
        assert_eq!(
            decode(Some("gzip"), b"not gzip", 100).map_err(|e| e.status),
            Err(400)
        );
        assert_eq!(
            decode(Some("br"), data, 100).map_err(|e| e.status),
            Err(415)
        );
        // A bomb: 10 MB of zeros in a few kB is cut at the cap.
        let bomb = gzip(&vec![0u8; 10 << 20]);
        assert!(bomb.len() < 64 << 10);
        assert_eq!(
            decode(Some("gzip"), &bomb, 1 << 20).map_err(|e| e.status),
            Err(413)
        );
    }
}
