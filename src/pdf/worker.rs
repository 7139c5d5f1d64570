//! Typesetting in a child process: the server starts `billing-portal
//! pdf-worker` when a document is asked for, hands it documents one at a
//! time over its standard input and reads the PDFs from its standard
//! output, and lets it go after a minute without work.
//!
//! Why a process of its own: Typst's code, fonts and the state it builds on
//! the first document (about 30 MB of the server's memory at rest,
//! docs/benchmarks.md) stay out of the server, and a document that crashes or hangs
//! the typesetter (a stack overflow aborts a process; a thread cannot be
//! stopped) costs that document, never the server: the next one starts a
//! new worker.
//!
//! The pipe carries frames: a little-endian `u32` length, then the bytes.
//! The server sends the logo first (its format, then its bytes; both empty
//! without one), then one frame per document (the [`DocumentView`] as
//! JSON); the worker answers each with one byte (0 for a PDF, 1 for an
//! error) and a frame (the PDF, or the error's text).

use super::Renderer;
use crate::config::Logo;
use crate::views::documents::DocumentView;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// The argument that makes the binary a worker.
pub const COMMAND: &str = "pdf-worker";
/// A document that takes longer is given up and its worker stopped (a
/// 40-line invoice takes 17 ms).
const RENDER_TIMEOUT: Duration = Duration::from_secs(30);
/// A frame larger than this is not a document (a 40-line PDF is 60 KB).
const MAX_FRAME: u32 = 64 << 20;

/// Hands documents to a worker process, starting it when there is none.
/// Documents are typeset one at a time, in the order they are asked for.
pub struct Typesetter {
    program: PathBuf,
    logo: Option<Logo>,
    idle: Duration,
    worker: tokio::sync::Mutex<Option<Worker>>,
    /// Counts documents, so that only the last one's idle timer stops
    /// the worker.
    handed: AtomicU64,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Typesetter {
    /// `program`: the running binary (`Config::pdf_worker`), or in tests
    /// the one cargo built; `idle`: how long a worker without work stays.
    pub fn new(program: PathBuf, logo: Option<Logo>, idle: Duration) -> Arc<Typesetter> {
        Arc::new(Typesetter {
            program,
            logo,
            idle,
            worker: tokio::sync::Mutex::new(None),
            handed: AtomicU64::new(0),
        })
    }

    /// The seller's logo, for the pages that show it too.
    pub fn logo(&self) -> Option<&Logo> {
        self.logo.as_ref()
    }

    /// The worker's process id while one runs (for tests and operators).
    pub async fn worker_pid(&self) -> Option<u32> {
        self.worker.lock().await.as_ref().and_then(|w| w.child.id())
    }

    /// The document as a PDF/A-2b file, typeset by the worker.
    pub async fn render(self: &Arc<Self>, doc: &DocumentView) -> Result<Vec<u8>, String> {
        let request = serde_json::to_vec(doc).map_err(|e| e.to_string())?;
        let mut slot = self.worker.lock().await;
        let exchange = tokio::time::timeout(RENDER_TIMEOUT, async {
            // A worker that died while idle (killed, out of memory) fails
            // the first write: the document goes to a new one, once.
            if let Some(worker) = slot.as_mut() {
                match worker.ask(&request).await {
                    Ok(answer) => return Ok(answer),
                    Err(e) => tracing::warn!(error = %e, "PDF worker gone; starting another"),
                }
            }
            let worker = slot.insert(self.start().await?);
            worker.ask(&request).await
        })
        .await;
        let answer = match exchange {
            Ok(Ok(answer)) => answer,
            // Dropping the worker kills it; the next document starts another.
            Ok(Err(e)) => {
                *slot = None;
                return Err(format!("the PDF worker failed: {e}"));
            }
            Err(_) => {
                *slot = None;
                return Err(format!(
                    "the PDF worker took more than {} s; stopped",
                    RENDER_TIMEOUT.as_secs()
                ));
            }
        };
        let handed = self.handed.fetch_add(1, Ordering::Relaxed) + 1;
        drop(slot);
        self.stop_when_idle(handed);
        answer
    }

    /// Stops the worker `idle` after document number `handed`, unless
    /// another came since.
    fn stop_when_idle(self: &Arc<Self>, handed: u64) {
        let this: Weak<Typesetter> = Arc::downgrade(self);
        let idle = self.idle;
        tokio::spawn(async move {
            tokio::time::sleep(idle).await;
            let Some(this) = this.upgrade() else { return };
            let mut slot = this.worker.lock().await;
            if this.handed.load(Ordering::Relaxed) == handed {
                if let Some(mut worker) = slot.take() {
                    // Closing its input ends the worker's loop; wait so
                    // that no finished process is left behind.
                    drop(worker.stdin);
                    if tokio::time::timeout(Duration::from_secs(5), worker.child.wait())
                        .await
                        .is_err()
                    {
                        let _ = worker.child.kill().await;
                    }
                }
            }
        });
    }

    async fn start(&self) -> io::Result<Worker> {
        let mut child = Command::new(&self.program)
            .arg(COMMAND)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.program.display())))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(io::Error::other("the worker's pipes were not made"));
        };
        let (format, bytes) = match &self.logo {
            Some(logo) => (logo.format.as_bytes(), logo.bytes.as_slice()),
            None => (&b""[..], &b""[..]),
        };
        stdin.write_all(&frame(format)).await?;
        stdin.write_all(&frame(bytes)).await?;
        tracing::info!(pid = child.id(), "PDF worker started");
        Ok(Worker {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }
}

impl Worker {
    /// One document out, one answer in; an error means the worker is gone
    /// or out of step.
    async fn ask(&mut self, request: &[u8]) -> io::Result<Result<Vec<u8>, String>> {
        self.stdin.write_all(&frame(request)).await?;
        self.stdin.flush().await?;
        let status = self.stdout.read_u8().await?;
        let len = self.stdout.read_u32_le().await?;
        if len > MAX_FRAME {
            return Err(io::Error::other(format!("an answer of {len} bytes")));
        }
        let mut body = vec![0; len as usize];
        self.stdout.read_exact(&mut body).await?;
        match status {
            0 => Ok(Ok(body)),
            1 => Ok(Err(String::from_utf8_lossy(&body).into_owned())),
            other => Err(io::Error::other(format!("answer status {other}"))),
        }
    }
}

fn frame(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + bytes.len());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
    out
}

/// A frame, or `None` at the end of the input.
fn read_frame(input: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0; 4];
    match input.read_exact(&mut len) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_FRAME {
        return Err(io::Error::other(format!("a frame of {len} bytes")));
    }
    let mut body = vec![0; len as usize];
    input.read_exact(&mut body)?;
    Ok(Some(body))
}

/// The worker's side: reads the logo, then typesets documents until its
/// input ends. A document that fails (or panics the typesetter) is
/// answered with the error and the worker goes on.
pub fn serve(mut input: impl Read, mut output: impl Write) -> io::Result<()> {
    let missing = || io::Error::new(io::ErrorKind::UnexpectedEof, "no logo frame");
    let format = read_frame(&mut input)?.ok_or_else(missing)?;
    let bytes = read_frame(&mut input)?.ok_or_else(missing)?;
    let logo = if bytes.is_empty() {
        None
    } else {
        let format = std::str::from_utf8(&format)
            .ok()
            .and_then(Logo::format_named)
            .ok_or_else(|| io::Error::other("a logo that is neither svg nor png"))?;
        Some(Logo { bytes, format })
    };
    let renderer = Renderer::new(logo);
    while let Some(request) = read_frame(&mut input)? {
        let outcome = serde_json::from_slice::<DocumentView>(&request)
            .map_err(|e| format!("not a document: {e}"))
            .and_then(|doc| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| renderer.render(&doc)))
                    .unwrap_or_else(|_| Err("the typesetter panicked".to_string()))
            });
        let (status, body) = match &outcome {
            Ok(pdf) => (0u8, pdf.as_slice()),
            Err(e) => (1u8, e.as_bytes()),
        };
        output.write_all(&[status])?;
        output.write_all(&frame(body))?;
        output.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answers in `output`: (status, body) pairs.
    fn answers(mut output: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let mut out = vec![];
        while let [status, rest @ ..] = output {
            output = rest;
            let body = read_frame(&mut output)
                .unwrap()
                .expect("a frame after the status");
            out.push((*status, body));
        }
        out
    }

    #[test]
    fn a_document_the_worker_cannot_read_is_answered_with_an_error_and_the_next_is_typeset() {
        let doc = serde_json::to_vec(&crate::pdf::sample_document(2)).unwrap();
        let input = [
            frame(b"svg"),
            frame(&crate::config::Logo::bundled().bytes),
            frame(b"{\"not\": \"a document\"}"),
            frame(&doc),
        ]
        .concat();
        let mut output = vec![];
        serve(input.as_slice(), &mut output).unwrap();
        let answers = answers(&output);
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].0, 1);
        assert!(String::from_utf8_lossy(&answers[0].1).starts_with("not a document"));
        assert_eq!(answers[1].0, 0);
        assert!(answers[1].1.starts_with(b"%PDF-"));
    }

    #[test]
    fn a_worker_without_its_logo_frames_stops_with_an_error() {
        assert!(serve(&b""[..], Vec::new()).is_err());
        let half = frame(b"svg");
        assert!(serve(half.as_slice(), Vec::new()).is_err());
        let bad = [frame(b"gif"), frame(b"GIF89a")].concat();
        assert!(serve(bad.as_slice(), Vec::new()).is_err());
    }
}
