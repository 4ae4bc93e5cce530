//! Prompt templates for the voice agent, per company and language, optionally per branch.

use crate::map_err;
use frontdesk_domain::*;
use frontdesk_store::*;
use sqlx::PgPool;

/// Two partial unique indexes (NULL never conflicts in a UNIQUE index), so the conflict
/// target names the one that matches the row. The composite key refuses a branch of another
/// company (Conflict).
pub(crate) async fn set_prompt_template(pool: &PgPool, new: NewPromptTemplate) -> StoreResult<()> {
    let sql = if new.branch_id.is_some() {
        "INSERT INTO prompt_templates (company_id, branch_id, language, template, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (company_id, branch_id, language) WHERE branch_id IS NOT NULL
         DO UPDATE SET template = EXCLUDED.template, updated_at = EXCLUDED.updated_at"
    } else {
        "INSERT INTO prompt_templates (company_id, branch_id, language, template, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (company_id, language) WHERE branch_id IS NULL
         DO UPDATE SET template = EXCLUDED.template, updated_at = EXCLUDED.updated_at"
    };
    sqlx::query(sql)
        .bind(new.company_id)
        .bind(new.branch_id)
        .bind(&new.language)
        .bind(&new.template)
        .bind(new.now.as_second())
        .execute(pool)
        .await
        .map_err(map_err)?;
    Ok(())
}

/// `branch_id = NULL` matches nothing, so without a branch only the company-wide template
/// qualifies; with one, the branch's sorts first (`branch_id IS NULL` is false for it).
pub(crate) async fn get_prompt_template(
    pool: &PgPool,
    company_id: CompanyId,
    branch_id: Option<BranchId>,
    language: &str,
) -> StoreResult<String> {
    sqlx::query_scalar(
        "SELECT template FROM prompt_templates
         WHERE company_id = $1 AND language = $2 AND (branch_id = $3 OR branch_id IS NULL)
         ORDER BY branch_id IS NULL
         LIMIT 1",
    )
    .bind(company_id)
    .bind(language)
    .bind(branch_id)
    .fetch_one(pool)
    .await
    .map_err(map_err)
}
