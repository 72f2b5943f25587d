//! `watcher-prover coordinator`: the head of a prover cluster. It follows the sequencer and
//! replays every block like `run`, but instead of proving it writes each block's witness to
//! the store (`--store`, S3 for a cluster) and enqueues a job in PostgreSQL
//! (`--database-url`) for the `worker`s; the query API reads the PostgreSQL queue and the
//! store.
//!
//! One coordinator at a time: each takes a PostgreSQL advisory lock first. A second one
//! started by mistake (or a warm standby) logs that it stands by and polls the lock; it takes
//! over when the active one dies or loses the database. A leader that loses its lock
//! connection exits (status 3) so that its supervisor restarts it as a standby.

use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use proof_store::{PgJobQueue, QueuePolicy, S3Options, StoreUrl};
use tokio::sync::watch;
use tracing::{info, warn};

use crate::config::ServiceArgs;
use crate::devnet::parse_duration;
use crate::exit::{Failure, unusable};
use crate::run::{Cluster, RunningService, prover, shutdown_signal};

#[derive(Args)]
pub struct CoordinatorArgs {
    #[command(flatten)]
    service: ServiceArgs,
    /// The cluster's PostgreSQL job database: `postgres://USER:PASSWORD@HOST:PORT/DB`.
    #[arg(long, env = "WATCHER_PROVER_DATABASE_URL")]
    database_url: String,
    /// How often a standing-by coordinator tries to take the lock.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    standby_interval: Duration,
}

/// Exit status of a coordinator that lost its lock.
const LOST_LEADERSHIP: u8 = 3;

pub fn run(args: CoordinatorArgs) -> Result<(), Failure> {
    let config = args.service.resolve().map_err(|error| unusable(format!("{error:#}")))?;
    let runtime = tokio::runtime::Runtime::new().map_err(unusable)?;
    runtime.block_on(async {
        let shutdown = shutdown_signal();
        tokio::pin!(shutdown);
        let queue = tokio::select! {
            queue = connect(&args.database_url, QueuePolicy::default()) => queue,
            () = &mut shutdown => return Ok(()),
        }
        .map_err(|error| unusable(format!("{error:#}")))?;
        let guard = {
            let mut announced = false;
            loop {
                let attempt = tokio::select! {
                    attempt = queue.try_lead() => attempt,
                    () = &mut shutdown => return Ok(()),
                };
                match attempt {
                    Ok(Some(guard)) => break guard,
                    Ok(None) if !announced => {
                        announced = true;
                        warn!("another coordinator holds the lock: standing by");
                        println!("standing by: another coordinator is active");
                    }
                    Ok(None) => {}
                    Err(error) => warn!(%error, "cannot reach the job database for the lock"),
                }
                tokio::select! {
                    () = tokio::time::sleep(args.standby_interval) => {}
                    () = &mut shutdown => return Ok(()),
                }
            }
        };
        println!("coordinating: jobs in {}", queue.location());
        let location: StoreUrl =
            config.store.parse().map_err(|error| unusable(format!("{error:#}")))?;
        let s3 = S3Options {
            endpoint_url: config.s3_endpoint.clone(),
            region: config.s3_region.clone(),
            ..S3Options::default()
        };
        let witnesses = location
            .open_witnesses(&s3)
            .await
            .map_err(|error| unusable(format!("cannot open {location}: {error}")))?;
        let (stop, stopping) = watch::channel(false);
        let cluster = Cluster { queue, witnesses };
        let service = RunningService::start(&config, prover(&config), Some(cluster), stopping)
            .await
            .map_err(|error| unusable(format!("{error:#}")))?;
        println!("watching {} (data in {})", config.rpc_url, config.data_dir.display());
        println!("witnesses and proofs in {}", config.store);
        println!("query API on http://{}", service.api_addr);
        let lost = tokio::select! {
            () = &mut shutdown => false,
            () = guard.lost() => true,
            () = service.watcher_ended() => false,
        };
        let _ = stop.send(true);
        let stopped = service.wait().await;
        drop(guard);
        if lost {
            return Err(Failure {
                code: LOST_LEADERSHIP,
                message: "lost the coordinator lock (database connection gone): exiting so \
                          that a standby takes over"
                    .into(),
            });
        }
        stopped.map_err(|error| unusable(format!("{error:#}")))
    })
}

/// Connects to the job database, retrying while it is unreachable (it may start after us);
/// a refusal that waiting cannot fix (a bad URL, a newer schema) is returned at once.
pub async fn connect(url: &str, policy: QueuePolicy) -> Result<PgJobQueue> {
    let mut delay = Duration::from_millis(200);
    loop {
        match PgJobQueue::connect(url, policy, 8).await {
            Ok(queue) => {
                info!(database = %queue.location(), "job database ready");
                return Ok(queue);
            }
            Err(error) if error.is_transient() => {
                warn!(%error, ?delay, "job database unreachable; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            Err(error) => return Err(error).context("job database"),
        }
    }
}
