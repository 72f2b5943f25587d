//! Settings of `watcher-prover run`: command-line flags, their environment variables, and a TOML
//! config file (`--config`), merged as **flag > environment variable > file > default**.
//!
//! Every setting has the same name in the three places: flag `--rpc-url`, variable
//! `WATCHER_PROVER_RPC_URL`, file key `rpc_url` (see `deploy/watcher-prover.example.toml`).
//! S3 credentials come from the standard AWS chain (`AWS_ACCESS_KEY_ID`, profiles, instance
//! roles), never from these settings.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use serde::Deserialize;
use stark::SecurityPreset;

use watcher::budget::ProveBudget;

use crate::devnet::parse_duration;

/// The default first block to prove: genesis (block 0) is the chain's definition, made by
/// system deployments rather than transactions, and the OS does not prove it. It is still
/// replayed (the state starts from it).
pub const FIRST_PROVABLE_BLOCK: u64 = 1;

/// The conjectured security a preset promises, the default minimum a stored proof must meet.
pub fn preset_bits(preset: SecurityPreset) -> u32 {
    match preset {
        SecurityPreset::Test => 0,
        SecurityPreset::Standard => 100,
        SecurityPreset::High => 128,
    }
}

/// The flags of `run` (all optional here: a missing one falls back to the file, then the
/// default).
#[derive(Args, Clone, Debug, Default)]
pub struct ServiceArgs {
    /// TOML config file; flags and environment variables override its values.
    #[arg(long, env = "WATCHER_PROVER_CONFIG")]
    pub config: Option<PathBuf>,
    /// The sequencer's Starknet JSON-RPC URL (required here or in the file).
    #[arg(long, env = "WATCHER_PROVER_RPC_URL")]
    pub rpc_url: Option<String>,
    /// Directory of the job index and the state copy [default: ./watcher-data].
    #[arg(long, env = "WATCHER_PROVER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where proofs go: `fs:DIR` or `s3://BUCKET/PREFIX` [default: fs:DATA_DIR/proofs].
    #[arg(long, env = "WATCHER_PROVER_STORE")]
    pub store: Option<String>,
    /// S3-compatible endpoint (MinIO, ...); AWS itself when absent.
    #[arg(long, env = "WATCHER_PROVER_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// S3 region [default: the AWS chain's, else us-east-1].
    #[arg(long, env = "WATCHER_PROVER_S3_REGION")]
    pub s3_region: Option<String>,
    /// Address of the query API [default: 127.0.0.1:8080].
    #[arg(long, env = "WATCHER_PROVER_API_ADDR")]
    pub api_addr: Option<SocketAddr>,
    /// First block to prove (earlier blocks are replayed to build the state) [default: 1:
    /// genesis is the chain's definition, made by system deployments, which the OS does not
    /// prove].
    #[arg(long, env = "WATCHER_PROVER_FROM_BLOCK")]
    pub from_block: Option<u64>,
    /// Blocks that must be on top of a block before it is processed [default: 0].
    #[arg(long, env = "WATCHER_PROVER_CONFIRMATIONS")]
    pub confirmations: Option<u64>,
    /// Blocks proven at once [default: 1].
    #[arg(long, env = "WATCHER_PROVER_WORKERS")]
    pub workers: Option<usize>,
    /// Time between polls of the sequencer when caught up (`500ms`, `2s`) [default: 500ms].
    #[arg(long, env = "WATCHER_PROVER_POLL_INTERVAL", value_parser = parse_duration)]
    pub poll_interval: Option<Duration>,
    /// Security preset of the proofs made: `standard` (100 bits), `high` (128) or `test`
    /// (insecure, for trying things out) [default: standard].
    #[arg(long, env = "WATCHER_PROVER_SECURITY")]
    pub security: Option<SecurityPreset>,
    /// OS program hash that proofs must be about (hex) [default: the bundled OS program's,
    /// as `watcher-prover os-hash` prints it].
    #[arg(long, env = "WATCHER_PROVER_OS_HASH")]
    pub os_hash: Option<String>,
    /// The ERC-20 the sequencer charges fees in (hex address), so that replay charges them too
    /// (`watcher-prover devnet --fees on` prints it as its ERC-20) [default: the chain charges
    /// no fees]. Blocks that pay fees are replayed and compared, and not proven yet.
    #[arg(long, env = "WATCHER_PROVER_FEE_TOKEN")]
    pub fee_token: Option<String>,
    /// The ERC-20 the sequencer charges v1 transactions in, where it is not `--fee-token`
    /// (Starknet's and starknet-devnet's ETH, `--fee-token` being their STRK) [default: the
    /// fee token].
    #[arg(long, env = "WATCHER_PROVER_ETH_FEE_TOKEN")]
    pub eth_fee_token: Option<String>,
    /// The sequencer implementation followed, where it departs from Starknet's protocol:
    /// `starknet` (Starknet's block hash; our devnet, Starknet nodes) or `starknet-devnet`
    /// (its own block hash, which commits to no contents, and blocks executed with the previous
    /// block's timestamp) [default: starknet].
    #[arg(long, env = "WATCHER_PROVER_SEQUENCER_FLAVOR")]
    pub sequencer_flavor: Option<String>,
    /// Minimum conjectured security of a proof before it is stored, in bits [default: what
    /// `--security` gives: 100, 128, or 0 for `test`].
    #[arg(long, env = "WATCHER_PROVER_MIN_SECURITY")]
    pub min_security: Option<u32>,
    /// Put the blocks that failed (after their proving attempts) back in the queue at start,
    /// e.g. after fixing what made them fail. A one-off operator action: a flag, not a config
    /// file setting.
    #[arg(long, env = "WATCHER_PROVER_RETRY_FAILED")]
    pub retry_failed: bool,
    /// Most Cairo steps of one block's proof (the executor's, then the OS's); a block over it
    /// is parked `failed` with the reason [default: 8388608 = 2^23].
    #[arg(long, env = "WATCHER_PROVER_MAX_BLOCK_STEPS")]
    pub max_block_steps: Option<u64>,
    /// Most estimated memory to prove one block (`12GiB`, `800MiB`, bytes); a block over it is
    /// parked `failed` with the reason [default: 70% of the machine's or the cgroup's memory,
    /// divided by `--workers`].
    #[arg(long, env = "WATCHER_PROVER_MAX_PROVE_MEMORY", value_parser = parse_bytes)]
    pub max_prove_memory: Option<u64>,
    /// Re-fetches of a block whose replay disagrees with the sequencer before it is marked
    /// divergent [default: 4].
    #[arg(long, env = "WATCHER_PROVER_DIVERGENCE_RECHECKS")]
    pub divergence_rechecks: Option<u32>,
    /// Wait before the first re-fetch of a divergent block, doubled for each further one
    /// [default: 5s].
    #[arg(long, env = "WATCHER_PROVER_DIVERGENCE_RECHECK_DELAY", value_parser = parse_duration)]
    pub divergence_recheck_delay: Option<Duration>,
    /// How long a pipeline operation may keep failing before `/health` and `/readyz` answer
    /// 503 "stalled" [default: 60s].
    #[arg(long, env = "WATCHER_PROVER_STALL_AFTER", value_parser = parse_duration)]
    pub stall_after: Option<Duration>,
    /// Age limit of stored proofs (`90d`): older ones are deleted from the store, and the API
    /// answers that they expired [default: none, proofs are kept].
    #[arg(long, env = "WATCHER_PROVER_PROOF_MAX_AGE", value_parser = parse_duration)]
    pub proof_max_age: Option<Duration>,
}

/// The config file: the same settings, snake_case keys; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub rpc_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub store: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub api_addr: Option<SocketAddr>,
    pub from_block: Option<u64>,
    pub confirmations: Option<u64>,
    pub workers: Option<usize>,
    pub poll_interval: Option<String>,
    pub security: Option<String>,
    pub os_hash: Option<String>,
    pub fee_token: Option<String>,
    pub eth_fee_token: Option<String>,
    pub sequencer_flavor: Option<String>,
    pub min_security: Option<u32>,
    pub max_block_steps: Option<u64>,
    pub max_prove_memory: Option<String>,
    pub divergence_rechecks: Option<u32>,
    pub divergence_recheck_delay: Option<String>,
    pub stall_after: Option<String>,
    pub proof_max_age: Option<String>,
}

/// Resolved settings of the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceConfig {
    pub rpc_url: String,
    pub data_dir: PathBuf,
    pub store: String,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub api_addr: SocketAddr,
    pub from_block: u64,
    pub confirmations: u64,
    pub workers: usize,
    pub poll_interval: Duration,
    pub security: SecurityPreset,
    pub os_hash: chain::Felt,
    pub fee_token: Option<chain::Felt>,
    pub eth_fee_token: Option<chain::Felt>,
    pub sequencer_flavor: watcher::SequencerFlavor,
    pub min_security: u32,
    pub retry_failed: bool,
    /// What one block's proof may cost (`--max-block-steps`, `--max-prove-memory`).
    pub budget: ProveBudget,
    pub divergence_rechecks: u32,
    pub divergence_recheck_delay: Duration,
    pub stall_after: Duration,
    pub proof_max_age: Option<Duration>,
}

impl FileConfig {
    /// Reads and parses a TOML config file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
    }
}

impl ServiceArgs {
    /// Merges flags (and their environment variables) over the config file over defaults.
    pub fn resolve(&self) -> Result<ServiceConfig> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        self.resolve_with(file)
    }

    fn resolve_with(&self, file: FileConfig) -> Result<ServiceConfig> {
        let Some(rpc_url) = self.rpc_url.clone().or(file.rpc_url) else {
            bail!("no sequencer: give --rpc-url, WATCHER_PROVER_RPC_URL or rpc_url in --config");
        };
        let data_dir =
            self.data_dir.clone().or(file.data_dir).unwrap_or_else(|| "watcher-data".into());
        let store = self
            .store
            .clone()
            .or(file.store)
            .unwrap_or_else(|| format!("fs:{}", data_dir.join("proofs").display()));
        let poll_interval = duration_setting(
            self.poll_interval,
            file.poll_interval,
            "poll_interval",
            Duration::from_millis(500),
        )?;
        let security = match (self.security, file.security) {
            (Some(preset), _) => preset,
            (None, Some(text)) => text
                .parse()
                .map_err(|error| anyhow::anyhow!("security in the config file: {error}"))?,
            (None, None) => SecurityPreset::Standard,
        };
        let os_hash = match self.os_hash.clone().or(file.os_hash) {
            Some(text) => chain::Felt::from_hex(&text)
                .map_err(|error| anyhow::anyhow!("os_hash {text:?}: {error}"))?,
            None => watcher::OsProver::program_hash()?,
        };
        let address = |key: &str, text: Option<String>| match text {
            Some(text) => chain::Felt::from_hex(&text)
                .map(Some)
                .map_err(|error| anyhow::anyhow!("{key} {text:?}: {error}")),
            None => Ok(None),
        };
        let fee_token = address("fee_token", self.fee_token.clone().or(file.fee_token))?;
        let eth_fee_token =
            address("eth_fee_token", self.eth_fee_token.clone().or(file.eth_fee_token))?;
        let sequencer_flavor = match self.sequencer_flavor.clone().or(file.sequencer_flavor) {
            Some(name) => name.parse()?,
            None => watcher::SequencerFlavor::Starknet,
        };
        let workers = self.workers.or(file.workers).unwrap_or(1);
        if workers == 0 {
            bail!("workers must be at least 1");
        }
        let machine = ProveBudget::for_this_machine(workers);
        let max_prove_memory = match (self.max_prove_memory, file.max_prove_memory) {
            (Some(bytes), _) => bytes,
            (None, Some(text)) => parse_bytes(&text)
                .map_err(|error| anyhow::anyhow!("max_prove_memory in the config file: {error}"))?,
            (None, None) => machine.max_memory_bytes,
        };
        let budget = ProveBudget {
            max_steps: self.max_block_steps.or(file.max_block_steps).unwrap_or(machine.max_steps),
            max_memory_bytes: max_prove_memory,
        };
        let divergence_recheck_delay = duration_setting(
            self.divergence_recheck_delay,
            file.divergence_recheck_delay,
            "divergence_recheck_delay",
            Duration::from_secs(5),
        )?;
        let stall_after = duration_setting(
            self.stall_after,
            file.stall_after,
            "stall_after",
            Duration::from_secs(60),
        )?;
        let proof_max_age =
            match (self.proof_max_age, file.proof_max_age) {
                (Some(age), _) => Some(age),
                (None, Some(text)) => Some(parse_duration(&text).map_err(|error| {
                    anyhow::anyhow!("proof_max_age in the config file: {error}")
                })?),
                (None, None) => None,
            };
        Ok(ServiceConfig {
            rpc_url,
            data_dir,
            store,
            s3_endpoint: self.s3_endpoint.clone().or(file.s3_endpoint),
            s3_region: self.s3_region.clone().or(file.s3_region),
            api_addr: self
                .api_addr
                .or(file.api_addr)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            from_block: self.from_block.or(file.from_block).unwrap_or(FIRST_PROVABLE_BLOCK),
            confirmations: self.confirmations.or(file.confirmations).unwrap_or(0),
            workers,
            poll_interval,
            security,
            os_hash,
            fee_token,
            eth_fee_token,
            sequencer_flavor,
            min_security: self.min_security.or(file.min_security).unwrap_or(preset_bits(security)),
            retry_failed: self.retry_failed,
            budget,
            divergence_rechecks: self.divergence_rechecks.or(file.divergence_rechecks).unwrap_or(4),
            divergence_recheck_delay,
            stall_after,
            proof_max_age,
        })
    }
}

/// A duration setting: the flag, else the file's text (`500ms`, `2s`), else `default`.
fn duration_setting(
    flag: Option<Duration>,
    file: Option<String>,
    name: &str,
    default: Duration,
) -> Result<Duration> {
    match (flag, file) {
        (Some(duration), _) => Ok(duration),
        (None, Some(text)) => parse_duration(&text)
            .map_err(|error| anyhow::anyhow!("{name} in the config file: {error}")),
        (None, None) => Ok(default),
    }
}

/// A size in bytes: `123`, `64KiB`, `800MiB`, `12GiB`, `1TiB`.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 =
        number.parse().map_err(|_| format!("{text:?} is not a size (e.g. 12GiB, 800MiB)"))?;
    let shift = match unit.trim() {
        "" | "B" => 0,
        "KiB" => 10,
        "MiB" => 20,
        "GiB" => 30,
        "TiB" => 40,
        other => return Err(format!("unknown size unit {other:?} (use B, KiB, MiB, GiB, TiB)")),
    };
    number.checked_mul(1 << shift).ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let file: FileConfig = toml::from_str(
            r#"
            rpc_url = "http://sequencer:5050"
            store = "s3://proofs/chain-a"
            workers = 4
            poll_interval = "2s"
            confirmations = 3
            "#,
        )
        .unwrap();
        let args = ServiceArgs { workers: Some(2), ..ServiceArgs::default() };
        let config = args.resolve_with(file).unwrap();
        assert_eq!(config.rpc_url, "http://sequencer:5050");
        assert_eq!(config.store, "s3://proofs/chain-a");
        assert_eq!(config.workers, 2, "the flag wins over the file");
        assert_eq!(config.confirmations, 3);
        assert_eq!(config.poll_interval, Duration::from_secs(2));
        assert_eq!(config.api_addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.min_security, 100);
        assert_eq!(config.security, SecurityPreset::Standard);
        assert_eq!(config.os_hash, watcher::OsProver::program_hash().unwrap());

        let defaults = ServiceArgs { rpc_url: Some("http://x".into()), ..ServiceArgs::default() };
        let config = defaults.resolve_with(FileConfig::default()).unwrap();
        assert_eq!(config.store, "fs:watcher-data/proofs");
        assert_eq!(config.workers, 1);
        assert_eq!(config.budget, ProveBudget::for_this_machine(1));
        assert_eq!(config.divergence_rechecks, 4);
        assert_eq!(config.stall_after, Duration::from_secs(60));

        let limits: FileConfig = toml::from_str(
            r#"
            max_prove_memory = "6GiB"
            max_block_steps = 1000000
            divergence_recheck_delay = "1s"
            stall_after = "2m"
            "#,
        )
        .unwrap();
        let config = defaults.resolve_with(limits).unwrap();
        assert_eq!(config.budget.max_memory_bytes, 6 << 30);
        assert_eq!(config.budget.max_steps, 1_000_000);
        assert_eq!(config.divergence_recheck_delay, Duration::from_secs(1));
        assert_eq!(config.stall_after, Duration::from_secs(120));
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(ServiceArgs::default().resolve_with(FileConfig::default()).is_err());
        assert!(toml::from_str::<FileConfig>("rpc_urll = \"x\"").is_err(), "unknown keys");
        let zero = ServiceArgs {
            rpc_url: Some("http://x".into()),
            workers: Some(0),
            ..ServiceArgs::default()
        };
        assert!(zero.resolve_with(FileConfig::default()).is_err());
        let unit: FileConfig =
            toml::from_str("rpc_url = \"x\"\nmax_prove_memory = \"12XB\"").unwrap();
        let refused = ServiceArgs::default().resolve_with(unit).unwrap_err().to_string();
        assert!(refused.contains("max_prove_memory") && refused.contains("XB"), "{refused}");
        assert_eq!(parse_bytes("800MiB"), Ok(800 << 20));
        assert!(parse_bytes("99999999999TiB").is_err());
    }

    fn deploy_file(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy").join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }

    /// Every command line in `deploy/` parses with this CLI, and every `WATCHER_PROVER_*`
    /// variable the compose file sets is one that `run`, `coordinator` or `worker` reads.
    #[test]
    fn deploy_files_match_the_cli() {
        use clap::{CommandFactory, Parser};
        let mut command_lines: Vec<Vec<String>> = Vec::new();
        let compose = deploy_file("docker-compose.yml");
        for line in compose.lines() {
            let Some(list) = line.trim().strip_prefix("command: ") else { continue };
            let Ok(words) = serde_json::from_str::<Vec<String>>(list) else { continue };
            if words.first().is_some_and(|word| word != "server") {
                command_lines.push(words); // not MinIO's own
            }
        }
        assert_eq!(
            command_lines.len(),
            5,
            "devnet, run, load, coordinator and worker in the compose file"
        );
        for unit in ["watcher-prover.service", "watcher-prover-devnet.service"] {
            let text = deploy_file(unit);
            let exec = text.lines().find_map(|l| l.strip_prefix("ExecStart=")).expect(unit);
            let words: Vec<String> = exec.split_whitespace().skip(1).map(str::to_owned).collect();
            command_lines.push(words);
        }
        let dockerfile = deploy_file("Dockerfile");
        let cmd = dockerfile.lines().find_map(|l| l.strip_prefix("CMD ")).expect("CMD");
        command_lines.push(serde_json::from_str(cmd).unwrap());
        for words in &command_lines {
            let mut words = words.clone();
            // The cluster roles get their required settings from the environment the compose
            // file sets (the database URL holds the password), which this test does not have.
            if matches!(words.first().map(String::as_str), Some("coordinator" | "worker")) {
                words.extend(["--database-url".to_owned(), "postgres://compose-env".to_owned()]);
            }
            if words.first().is_some_and(|word| word == "worker") {
                words.extend(["--store".to_owned(), "s3://compose-env/proofs".to_owned()]);
            }
            let argv = std::iter::once("watcher-prover".to_owned()).chain(words.iter().cloned());
            if let Err(error) = crate::Cli::try_parse_from(argv) {
                panic!("{words:?} does not parse: {error}");
            }
        }

        let cli = crate::Cli::command();
        let known: Vec<String> = ["run", "coordinator", "worker"]
            .iter()
            .flat_map(|name| cli.find_subcommand(name).expect(name).get_arguments())
            .filter_map(|argument| argument.get_env())
            .map(|name| name.to_string_lossy().into_owned())
            .collect();
        let used: Vec<&str> = compose
            .lines()
            .filter_map(|line| line.trim().split_once(':').map(|(key, _)| key))
            .filter(|key| key.starts_with("WATCHER_PROVER_"))
            .collect();
        assert!(used.len() >= 5, "{used:?}");
        for name in used {
            assert!(known.iter().any(|known| known == name), "{name} is read by no service");
        }
    }

    #[test]
    fn the_example_config_parses() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/watcher-prover.example.toml");
        let file = FileConfig::load(&path).unwrap();
        let config = ServiceArgs::default().resolve_with(file).unwrap();
        assert!(config.store.starts_with("s3://"), "{config:?}");
    }

    /// The compose file is safe by default: every published port is on the loopback interface,
    /// and no credential is written in it (they come from the environment or `deploy/.env`).
    #[test]
    fn deploy_compose_binds_loopback_and_holds_no_secret() {
        let compose = deploy_file("docker-compose.yml");
        let mut ports = 0;
        for line in compose.lines().map(str::trim) {
            if let Some(list) = line.strip_prefix("ports: ") {
                let list: Vec<String> = serde_json::from_str(list).expect("a JSON-style list");
                for port in list {
                    ports += 1;
                    assert!(
                        port.starts_with("127.0.0.1:"),
                        "port {port} is published beyond loopback"
                    );
                }
            }
            for key in ["PASSWORD", "SECRET", "ACCESS_KEY_ID", "ROOT_USER"] {
                if let Some((name, value)) = line.split_once(':')
                    && name.contains(key)
                {
                    let value = value.trim();
                    assert!(value.starts_with("${"), "{name} is written in the file: {value}");
                }
            }
        }
        assert_eq!(
            ports, 5,
            "minio (API and console), devnet, the query API and the coordinator's API"
        );
        assert!(!compose.contains("watcher-secret"));
    }
}
