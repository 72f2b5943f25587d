//! The thread that executes blocks. It runs at a lower CPU priority (nice 10 on Linux) than the
//! threads answering RPC requests: executing a block is a burst of CPU work whose latency
//! matters little, while admission latency is what clients see. The priority only weighs
//! contended CPU: an idle machine gives the producer everything. A low priority only helps
//! while the producer holds nothing admission needs: a lock it holds while descheduled stalls
//! admission all the longer (priority inversion), which is why the block's store write keeps
//! its sled transaction small ([`crate::store`]). Each block's production time is logged at
//! debug level (`produce_us`), next to each admission's phases (`sequencer::submit`).

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};

use crate::SequencerError;
use crate::node::Node;
use crate::store::BlockRecord;

type Reply = oneshot::Sender<Result<BlockRecord, SequencerError>>;

/// A handle to the producer thread; the thread ends when the handle is dropped or stopped.
pub struct ProducerThread {
    requests: mpsc::Sender<Reply>,
    thread: std::thread::JoinHandle<()>,
}

impl ProducerThread {
    /// Starts the thread.
    pub fn spawn(node: Arc<Node>) -> Result<Self, SequencerError> {
        let (requests, mut incoming) = mpsc::channel::<Reply>(1);
        let thread = std::thread::Builder::new()
            .name("block-producer".into())
            .spawn(move || {
                lower_priority();
                while let Some(reply) = incoming.blocking_recv() {
                    let started = std::time::Instant::now();
                    let produced = node.produce_block();
                    debug!(produce_us = started.elapsed().as_micros() as u64, "block produced");
                    let _ = reply.send(produced);
                }
            })
            .map_err(|e| {
                SequencerError::Stopped(format!("cannot start the block producer: {e}"))
            })?;
        Ok(ProducerThread { requests, thread })
    }

    /// Ends the thread and waits for it, so its reference to the node (and the sled database
    /// lock) is gone when this returns.
    pub async fn stop(self) {
        drop(self.requests);
        let thread = self.thread;
        if tokio::task::spawn_blocking(move || thread.join()).await.is_err() {
            warn!("block producer thread did not end cleanly");
        }
    }

    /// Produces one block on the thread and waits for it.
    pub async fn produce(&self) -> Result<BlockRecord, SequencerError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || SequencerError::Stopped("block producer thread ended".into());
        self.requests.send(reply).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: plain syscalls on the calling thread; `gettid` cannot fail, and `setpriority` only
    // reports an error, which is logged.
    let result = unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, 10)
    };
    if result != 0 {
        warn!("cannot lower the block producer's priority; RPC latency may suffer under load");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}
