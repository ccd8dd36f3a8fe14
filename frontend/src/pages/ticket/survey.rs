//! The one-question satisfaction survey of a resolved ticket: the requester's side answers it
//! once; staff read the answer.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use super::store::TicketStore;
use crate::api::{self, ApiError};
use crate::components::FieldError;

const RATINGS: &[(i32, &str)] =
    &[(1, "1 · Very poor"), (2, "2 · Poor"), (3, "3 · Fair"), (4, "4 · Good"), (5, "5 · Excellent")];

#[component]
pub fn SurveyView(store: TicketStore) -> impl IntoView {
    let number = store.ticket.with_untracked(|t| t.number);
    let rating = RwSignal::new(0);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request =
            pb::AnswerSurveyRequest { number, rating: rating.get_untracked(), comment: comment.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::tickets().answer_survey(request).await {
                Ok(response) => {
                    store.survey.set(response.into_inner().survey);
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let rating_error = Signal::derive(move || error.get().and_then(|e| e.field("rating")));
    let comment_error = Signal::derive(move || error.get().and_then(|e| e.field("comment")));
    view! {
        {move || store.survey.get().map(|survey| view! {
            <section class="survey" aria-labelledby="survey-heading">
                <h2 id="survey-heading">"How did we do?"</h2>
                {match survey.rating {
                    Some(given) => view! {
                        <p class="survey-answer">
                            {format!("Rated {given} out of 5")}
                            {survey.answered_by.as_ref().map(|p| format!(" by {}", p.display_name))}
                            {(!survey.comment.is_empty()).then(|| format!(": \u{201c}{}\u{201d}", survey.comment))}
                        </p>
                    }.into_any(),
                    None if survey.can_answer => view! {
                    <form class="survey-form" on:submit=send>
                        <fieldset aria-describedby="survey-rating-error">
                            <legend>"How satisfied are you with the support on this request?"</legend>
                            {RATINGS.iter().map(|(value, label)| {
                                let (value, id) = (*value, format!("rating-{value}"));
                                view! {
                                    <span class="choice">
                                        <input type="radio" name="rating" id=id.clone() prop:checked=move || rating.get() == value
                                            on:change=move |_| rating.set(value)/>
                                        <label for=id>{*label}</label>
                                    </span>
                                }
                            }).collect_view()}
                        </fieldset>
                        <FieldError id="survey-rating-error" message=rating_error/>
                        <label for="survey-comment">"Anything to add? (optional)"</label>
                        <textarea id="survey-comment" rows="2" bind:value=comment aria-describedby="survey-comment-error"></textarea>
                        <FieldError id="survey-comment-error" message=comment_error/>
                        {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                        <button type="submit">"Send rating"</button>
                    </form>
                    }.into_any(),
                    None => view! { <p class="hint">"Waiting for the requester's rating."</p> }.into_any(),
                }}
            </section>
        })}
    }
}
