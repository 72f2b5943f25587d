//! [`JobReader`] for the sled [`JobIndex`] of the embedded service: the same reads the API
//! makes of a PostgreSQL queue.

use async_trait::async_trait;

use crate::error::Result;
use crate::job_status::JobStatusKind;
use crate::jobs::{Checkpoint, JobIndex, JobRecord};
use crate::queue::JobReader;

#[async_trait]
impl JobReader for JobIndex {
    async fn job(&self, block_number: u64) -> Result<Option<JobRecord>> {
        self.get(block_number)
    }

    async fn jobs_between(&self, first: u64, last: u64) -> Result<Vec<JobRecord>> {
        self.list(first..=last)
    }

    async fn jobs_with_status(&self, kind: JobStatusKind) -> Result<Vec<JobRecord>> {
        self.by_status(kind)
    }

    async fn checkpoint(&self) -> Result<Checkpoint> {
        JobIndex::checkpoint(self)
    }

    async fn latest_proven(&self) -> Result<Option<JobRecord>> {
        JobIndex::latest_proven(self)
    }
}
