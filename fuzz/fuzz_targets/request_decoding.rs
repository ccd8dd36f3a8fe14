//! Bytes off the wire, decoded as the API's requests and then into domain input exactly as the
//! services do: nothing may panic, and a refusal always names a field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prost::Message;
use steward_backend::error::AppError;
use steward_backend::services::tickets::{
    decode_bulk_change, decode_fields_edit, decode_filter, decode_new_request, decode_sort, parse_page_token,
};
use steward_domain::intake;
use steward_proto::v1 as pb;

fn names_a_field(error: AppError) {
    if let AppError::InvalidArgument(fields) = error {
        assert!(!fields.is_empty() && fields.iter().all(|f| !f.field.is_empty() && !f.message.is_empty()));
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = pb::CreateTicketRequest::decode(data) {
        match decode_new_request(request) {
            Ok(new) => {
                if let Err(errors) = intake::check(new.draft) {
                    names_a_field(AppError::InvalidArgument(errors));
                }
            }
            Err(error) => names_a_field(error),
        }
    }
    if let Ok(request) = pb::UpdateTicketRequest::decode(data)
        && let Err(error) = decode_fields_edit(&request)
    {
        names_a_field(error);
    }
    if let Ok(request) = pb::ListTicketsRequest::decode(data) {
        if let Err(error) = decode_filter(&request) {
            names_a_field(error);
        }
        match decode_sort(&request) {
            Ok(sort) => {
                if let Err(error) = parse_page_token(sort, &request.page_token) {
                    names_a_field(error);
                }
            }
            Err(error) => names_a_field(error),
        }
    }
    if let Ok(request) = pb::ChangeTicketsRequest::decode(data)
        && let Err(error) = decode_bulk_change(&request)
    {
        names_a_field(error);
    }
});
