//! An upload becomes a job: the files of a multipart request, read a chunk at a time within
//! the limits into the job's private folder (stored under numbers, never under the user's
//! names), and the zips among them unpacked within one budget for the whole upload.

use super::auth::{self, Session};
use super::error::{Error, Result};
use super::jobs::{FileState, Input, Job};
use super::middleware::CsrfInBody;
use super::state::Shared;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Entries of the zips of one upload, all together.
const MAX_ZIP_ENTRIES: usize = 1000;
/// A form field that is not a file (the CSRF token): longer is refused unread.
const MAX_FIELD: usize = 4096;

fn too_big(limit: u64) -> Error {
    Error::page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Файлы слишком велики",
        format!(
            "Файлы слишком велики: за один раз можно загрузить не больше {} МБ.",
            limit >> 20
        ),
    )
}

/// Reads and drops the rest of a refused upload (as far as the body limit lets it), so the
/// client finishes sending and reads the refusal instead of a reset connection.
async fn drain(mp: &mut Multipart) {
    while let Ok(Some(mut field)) = mp.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// The files of a multipart request, a new job of the caller's session (not yet checked);
/// refused with the message page.
pub struct Uploaded(pub Arc<Job>);

impl FromRequest<Shared> for Uploaded {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Shared) -> std::result::Result<Self, Response> {
        match upload(req, state).await? {
            Ok(job) => Ok(Uploaded(job)),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// The files of a multipart request as a new job of the caller's session. Err: a body that
/// is not multipart, axum's answer as it is; Ok(Err): `new_job`'s refusal, for the caller
/// to answer in its words.
pub async fn upload(
    req: Request,
    state: &Shared,
) -> std::result::Result<Result<Arc<Job>>, Response> {
    let session = req.extensions().get::<Session>().cloned();
    let csrf_in_body = req.extensions().get::<CsrfInBody>().is_some();
    let mp = Multipart::from_request(req, state)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(match session {
        Some(s) => new_job(state, &s, csrf_in_body, mp).await,
        None => Err(Error::fault("no session")),
    })
}

/// Reads the uploaded files of a multipart request into a new job folder and unpacks zips
/// within the limits; the CSRF field, when the body carries it, comes before any file.
async fn new_job(
    state: &Shared,
    s: &Session,
    csrf_in_body: bool,
    mut mp: Multipart,
) -> Result<Arc<Job>> {
    let dir = state.scratch("job-").map_err(Error::fault)?;
    let limit = state.cfg.max_upload;
    let mut total: u64 = 0;
    let mut uploads: Vec<(String, PathBuf)> = Vec::new();
    let mut csrf_ok = !csrf_in_body;
    let body_error = |e: axum::extract::multipart::MultipartError| {
        if super::limits::too_slow(&e) {
            Error::page(
                StatusCode::REQUEST_TIMEOUT,
                "Файлы не получены",
                "Файлы передавались слишком медленно или передача остановилась, и приём \
                 прерван. Проверьте связь и повторите загрузку.",
            )
        } else if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big(limit)
        } else {
            Error::page(
                StatusCode::BAD_REQUEST,
                "Файлы не получены",
                "Файлы не получены целиком. Повторите загрузку.",
            )
        }
    };
    while let Some(mut field) = mp.next_field().await.map_err(body_error)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(display_name);
        let Some(file_name) = file_name else {
            // Read a chunk at a time: a long field is refused before it is in memory.
            let mut v = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(body_error)? {
                if v.len() + chunk.len() > MAX_FIELD {
                    drop(field);
                    drain(&mut mp).await;
                    return Err(Error::page(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "Загрузка отклонена",
                        format!(
                            "Поле формы «{}» длиннее {MAX_FIELD} байт: так форма страницы \
                             не отправляет. Обновите страницу и повторите.",
                            name.chars().take(40).collect::<String>()
                        ),
                    ));
                }
                v.extend_from_slice(&chunk);
            }
            total += v.len() as u64;
            if total > limit {
                drain(&mut mp).await;
                return Err(too_big(limit));
            }
            if name == "csrf" && auth::same(&String::from_utf8_lossy(&v), &s.csrf) {
                csrf_ok = true;
            }
            continue;
        };
        if !csrf_ok {
            return Err(Error::csrf());
        }
        if file_name.is_empty() {
            continue;
        }
        let ext = Path::new(&file_name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        // Stored under a number: the user's file name may name a child.
        let path = dir
            .path()
            .join(format!("{:03}.{}", uploads.len() + 1, safe_ext(&ext)));
        let mut out = std::fs::File::create(&path).map_err(Error::fault)?;
        while let Some(chunk) = field.chunk().await.map_err(body_error)? {
            total += chunk.len() as u64;
            if total > limit {
                drop(out);
                drop(field);
                drain(&mut mp).await;
                return Err(too_big(limit));
            }
            out.write_all(&chunk).map_err(Error::fault)?;
        }
        uploads.push((file_name, path));
    }
    if !csrf_ok {
        return Err(Error::csrf());
    }
    if uploads.is_empty() {
        return Err(Error::page(
            StatusCode::BAD_REQUEST,
            "Нет файлов",
            "Не выбрано ни одного файла.",
        ));
    }
    let max_unzipped = state.cfg.max_unzipped;
    let owner = s.user_name().to_string();
    let job = tokio::task::spawn_blocking(move || -> Result<Job> {
        let (inputs, rejected) = unpack(dir.path(), uploads, max_unzipped)
            .map_err(|e| Error::page(StatusCode::PAYLOAD_TOO_LARGE, "Загрузка отклонена", e))?;
        let progress = Arc::new(Mutex::new(vec![FileState::Waiting; inputs.len()]));
        Ok(Job {
            id: auth::token(),
            owner,
            created: Instant::now(),
            dir,
            inputs,
            rejected,
            outcome: std::sync::OnceLock::new(),
            progress,
            forms: tokio::sync::Mutex::new([None, None]),
        })
    })
    .await
    .map_err(Error::fault)??;
    let job = Arc::new(job);
    state.jobs.put(job.clone())?;
    Ok(job)
}

/// The last component of a browser's file name, without control characters.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars().filter(|c| !c.is_control()).collect()
}

fn safe_ext(ext: &str) -> &str {
    match ext {
        "xlsx" | "xlsm" | "xls" | "ods" | "json" | "toml" | "zip" => ext,
        _ => "bin",
    }
}

/// Inputs from the uploads: zips unpacked (their inputs only), other files as they are.
/// Err: the upload's files and the content of its zips, all together, pass the limit.
#[allow(clippy::type_complexity)]
fn unpack(
    dir: &Path,
    uploads: Vec<(String, PathBuf)>,
    max_unzipped: u64,
) -> Result<(Vec<Input>, Vec<(String, String)>)> {
    let mut inputs = Vec::new();
    let mut rejected = Vec::new();
    let bomb = |name: &str| Error::ZipBomb {
        name: name.to_string(),
        mb: max_unzipped >> 20,
    };
    // One budget and one count of entries for the whole upload: many zips, each within
    // the limit, must not add up past it.
    let mut budget = max_unzipped;
    let mut entries = 0usize;
    for (n, (name, path)) in uploads.into_iter().enumerate() {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "zip" {
            let file = std::fs::File::open(&path)?;
            let mut zip = match zip::ZipArchive::new(file) {
                Ok(z) => z,
                Err(_) => {
                    rejected.push((name, "архив zip повреждён и не читается".into()));
                    continue;
                }
            };
            entries += zip.len();
            if entries > MAX_ZIP_ENTRIES {
                return Err(bomb(&name));
            }
            for i in 0..zip.len() {
                let Ok(mut entry) = zip.by_index(i) else {
                    rejected.push((name.clone(), "архив zip повреждён".into()));
                    break;
                };
                if entry.is_dir() {
                    continue;
                }
                if entry.size() > budget {
                    return Err(bomb(&name));
                }
                let inner = display_name(entry.name());
                let inner_ext = Path::new(&inner)
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_lowercase();
                let shown = format!("{name} → {inner}");
                if inner.starts_with(['~', '.']) {
                    continue;
                }
                if !crate::ingest::is_input(Path::new(&inner)) {
                    rejected.push((shown, unknown_kind(&inner_ext)));
                    continue;
                }
                let to = dir.join(format!(
                    "{:03}-{:04}.{}",
                    n + 1,
                    i + 1,
                    safe_ext(&inner_ext)
                ));
                let mut out = std::fs::File::create(&to)?;
                // The sizes in a zip's headers may lie: never more than the budget is read.
                let copied = std::io::copy(&mut (&mut entry).take(budget + 1), &mut out)
                    .map_err(|_| Error::ZipDamaged(name.clone()))?;
                if copied > budget {
                    return Err(bomb(&name));
                }
                budget -= copied;
                inputs.push(Input {
                    name: shown,
                    path: to,
                });
            }
            let _ = std::fs::remove_file(&path);
        } else if crate::ingest::is_input(&path) {
            let size = std::fs::metadata(&path)?.len();
            if size > budget {
                return Err(Error::UploadTooBig {
                    mb: max_unzipped >> 20,
                });
            }
            budget -= size;
            inputs.push(Input { name, path });
        } else {
            let _ = std::fs::remove_file(&path);
            let ext = Path::new(&name)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_lowercase();
            rejected.push((name, unknown_kind(&ext)));
        }
    }
    Ok((inputs, rejected))
}

fn unknown_kind(ext: &str) -> String {
    format!(
        "неизвестный вид файла «.{ext}»: okno читает .xlsx, .xls, .ods, .json, .toml и .zip с ними"
    )
}
