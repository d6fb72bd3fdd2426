//! Bulk API 2.0 ingest jobs.

use crate::query_error::ApiError;
use crate::rest::Call;
use crate::server::Answer;
use crate::state::Shared;

use super::Job;

pub fn jobs_route(_shared: &Shared, _call: &Call) -> Result<Answer, ApiError> {
    Err(ApiError::not_found())
}

pub fn job_route(_shared: &Shared, _call: &Call) -> Result<Answer, ApiError> {
    Err(ApiError::not_found())
}

pub fn upload_route(_shared: &Shared, _call: &Call) -> Result<Answer, ApiError> {
    Err(ApiError::not_found())
}

pub fn results_route(_shared: &Shared, _call: &Call) -> Result<Answer, ApiError> {
    Err(ApiError::not_found())
}

pub fn process(_job: &mut Job, _shared: &Shared) {}
