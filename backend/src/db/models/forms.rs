//! The request forms as they apply now: Steward's shipped forms, with admins' edits in place of
//! the ones they changed.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::unknown_value;
use crate::db::schema::request_form_edits;
use crate::error::{AppError, AppResult};
use steward_domain::RequestType;
use steward_domain::intake::{FORMS, FieldSpec, FormSpec, form_for};

/// Every form, in the order they are offered.
pub async fn all(conn: &mut AsyncPgConnection) -> AppResult<Vec<FormSpec>> {
    let edits: Vec<(String, String, bool, serde_json::Value)> = request_form_edits::table
        .select((
            request_form_edits::request_type,
            request_form_edits::description,
            request_form_edits::confidential_by_default,
            request_form_edits::fields,
        ))
        .load(conn)
        .await?;
    let mut forms: Vec<FormSpec> = FORMS.iter().map(|form| form.spec()).collect();
    for (request_type, description, confidential_by_default, fields) in edits {
        let request_type = RequestType::parse(&request_type)
            .ok_or_else(|| unknown_value("request_form_edits.request_type", &request_type))?;
        let fields: Vec<FieldSpec> = serde_json::from_value(fields).map_err(AppError::internal)?;
        if let Some(form) = forms.iter_mut().find(|f| f.request_type == request_type) {
            *form = FormSpec {
                request_type,
                description,
                fields,
                confidential_by_default,
                allowed_priorities: form_for(request_type).allowed_priorities.to_vec(),
                customized: true,
            };
        }
    }
    Ok(forms)
}

/// Stores an admin's (checked) edit of a form.
pub async fn save(conn: &mut AsyncPgConnection, form: &FormSpec, person_id: i64, at: DateTime<Utc>) -> AppResult<()> {
    let fields = serde_json::to_value(&form.fields).map_err(AppError::internal)?;
    diesel::insert_into(request_form_edits::table)
        .values((
            request_form_edits::request_type.eq(form.request_type.as_str()),
            request_form_edits::description.eq(&form.description),
            request_form_edits::confidential_by_default.eq(form.confidential_by_default),
            request_form_edits::fields.eq(&fields),
            request_form_edits::updated_by.eq(person_id),
        ))
        .on_conflict(request_form_edits::request_type)
        .do_update()
        .set((
            request_form_edits::description.eq(&form.description),
            request_form_edits::confidential_by_default.eq(form.confidential_by_default),
            request_form_edits::fields.eq(&fields),
            request_form_edits::updated_by.eq(person_id),
            request_form_edits::updated_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Restores the shipped form of a type.
pub async fn reset(conn: &mut AsyncPgConnection, request_type: RequestType) -> AppResult<()> {
    diesel::delete(request_form_edits::table.find(request_type.as_str())).execute(conn).await?;
    Ok(())
}
