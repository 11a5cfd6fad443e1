//! Files sent to the browser: named for every browser (RFC 5987), typed by their extension
//! from one table, from memory or streamed from disk.

use super::error::Error;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::path::Path;

/// The types of the files the page sends, by extension.
const MIME: [(&str, &str); 5] = [
    ("pdf", "application/pdf"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("zip", "application/zip"),
    ("tar", "application/x-tar"),
];

/// The type of a file by its name's extension; a file of another kind is plain bytes.
pub fn mime(name: &str) -> &'static str {
    let ext = name.rsplit('.').next();
    MIME.iter()
        .find(|(e, _)| Some(*e) == ext)
        .map_or("application/octet-stream", |(_, kind)| kind)
}

/// `bytes` as a download named `name`, typed by its extension.
pub fn download(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime(name).to_string()),
            (header::CONTENT_DISPOSITION, disposition(name)),
        ],
        bytes,
    )
        .into_response()
}

/// `file` (in `dir`, removed once it is sent or the client leaves) as a download named
/// `name`, read from disk a piece at a time.
pub fn download_file(dir: tempfile::TempDir, file: &Path, name: &str) -> Result<Response, Error> {
    use std::io::Read;
    let (mut f, len) = std::fs::File::open(file)
        .and_then(|f| {
            let len = f.metadata()?.len();
            Ok((f, len))
        })
        .map_err(Error::fault)?;
    let (send, receive) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(2);
    tokio::task::spawn_blocking(move || {
        loop {
            let mut piece = vec![0u8; 256 << 10];
            let sent = match f.read(&mut piece) {
                Ok(0) => break,
                Ok(n) => {
                    piece.truncate(n);
                    send.blocking_send(Ok(piece))
                }
                Err(e) => send.blocking_send(Err(e)),
            };
            if sent.is_err() {
                break;
            }
        }
        // Closed before its folder goes (Windows removes no open file).
        drop(f);
        drop(dir);
    });
    let pieces =
        futures_util::stream::unfold(
            receive,
            |mut r| async move { r.recv().await.map(|p| (p, r)) },
        );
    Ok((
        [
            (header::CONTENT_TYPE, mime(name).to_string()),
            (header::CONTENT_DISPOSITION, disposition(name)),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        axum::body::Body::from_stream(pieces),
    )
        .into_response())
}

/// What RFC 5987's `attr-char` keeps as it is; everything else is percent-encoded.
const KEPT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// `Content-Disposition` of a download named `name` (any script), for every browser: an
/// ASCII `filename` for old ones, the UTF-8 `filename*` for the rest.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(name, KEPT);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_russian_name_is_encoded_for_every_browser() {
        assert_eq!(
            super::disposition("формы-NSK 1.zip"),
            "attachment; filename=\"_____-NSK_1.zip\"; \
             filename*=UTF-8''%D1%84%D0%BE%D1%80%D0%BC%D1%8B-NSK%201.zip"
        );
        assert_eq!(super::mime("a/b.docx"), super::MIME[1].1);
        assert_eq!(super::mime("case.json"), "application/octet-stream");
    }
}
