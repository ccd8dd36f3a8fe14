//! Changing several tickets at once (support staff): the tickets chosen in the list, one change
//! (an assignee, a priority, a type or a lifecycle step), and what became of each. The server
//! puts each ticket through the rules that apply to it alone; a refused one stays chosen, with
//! its reason, so it can be looked at or tried again.

use std::collections::HashSet;

use leptos::prelude::*;
use steward_domain::lifecycle::Action;
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;
use steward_proto::v1::change_tickets_request::Change;

use crate::api::{self, ApiError, labels};

/// The steps offered for several tickets at once (those that need no reason).
const STEPS: &[Action] = &[Action::Triage, Action::Start, Action::WaitOnRequester, Action::Resolve, Action::Close];

/// What a change's `<option>` value means: `assignee:5`, `priority:2`, `type:3`, `action:4`.
fn change_from(value: &str) -> Option<Change> {
    let (kind, number) = value.split_once(':')?;
    let number: i64 = number.parse().ok()?;
    Some(match kind {
        "assignee" => Change::AssigneeId(number),
        "priority" => Change::Priority(i32::try_from(number).ok()?),
        "type" => Change::RequestType(i32::try_from(number).ok()?),
        "action" => Change::Action(i32::try_from(number).ok()?),
        _ => return None,
    })
}

/// What came of the last change: how many changed, and each refusal.
#[derive(Clone, Default)]
struct Outcome {
    changed: usize,
    refused: Vec<(i64, String)>,
}

/// The bar above the list while tickets are chosen.
#[component]
pub fn BulkBar(selected: RwSignal<HashSet<i64>>, team: LocalResource<Option<Vec<pb::PersonRef>>>) -> impl IntoView {
    let chosen_change = RwSignal::new(String::new());
    let working = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let error = RwSignal::new(None::<String>);
    let count = move || selected.with(HashSet::len);
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(change) = change_from(&chosen_change.get_untracked()) else {
            error.set(Some("Choose what to change first.".to_owned()));
            return;
        };
        let mut numbers: Vec<i64> = selected.with_untracked(|s| s.iter().copied().collect());
        numbers.sort_unstable();
        working.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let request = pb::ChangeTicketsRequest { numbers, change: Some(change), reason: String::new() };
            match api::tickets().change_tickets(request).await {
                Ok(response) => {
                    let outcomes = response.into_inner().outcomes;
                    let refused: Vec<(i64, String)> = outcomes
                        .iter()
                        .filter(|o| !o.refusal.is_empty())
                        .map(|o| (o.number, o.refusal.clone()))
                        .collect();
                    // What changed is done; what was refused stays chosen.
                    selected.set(refused.iter().map(|(number, _)| *number).collect());
                    outcome.set(Some(Outcome { changed: outcomes.len() - refused.len(), refused }));
                }
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
            working.set(false);
        });
    };
    view! {
        <div class="bulk-result" role="status">
            {move || outcome.get().map(|Outcome { changed, refused }| view! {
                <p>{format!("Changed {changed} {}.", if changed == 1 { "ticket" } else { "tickets" })}
                    {(!refused.is_empty()).then(|| format!(" Refused {}; still chosen:", refused.len()))}</p>
                {(!refused.is_empty()).then(|| view! {
                    <ul class="refusals">
                        {refused.into_iter().map(|(number, why)| view! {
                            <li><a href=format!("/tickets/{number}")>{format!("#{number}")}</a>": "{why}</li>
                        }).collect_view()}
                    </ul>
                })}
            })}
        </div>
        <Show when=move || { count() > 0 }>
            <form class="bulk" aria-label="Change the chosen tickets" on:submit=apply>
                <p class="chosen"><strong>{move || format!("{} chosen", count())}</strong></p>
                <label for="bulk-change">"Change"</label>
                <select id="bulk-change" on:change=move |ev| chosen_change.set(event_target_value(&ev))
                    prop:value=move || chosen_change.get()>
                    <option value="">"Choose…"</option>
                    <optgroup label="Assign to">
                        <option value="assignee:0">"Nobody (unassign)"</option>
                        {move || team.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                            <option value=format!("assignee:{}", p.id)>{p.display_name}</option>
                        }).collect_view()}
                    </optgroup>
                    <optgroup label="Priority">
                        {labels::priorities().map(|(value, label)| view! {
                            <option value=format!("priority:{value}")>{label}</option>
                        }).collect_view()}
                    </optgroup>
                    <optgroup label="Type">
                        {labels::request_types().map(|(value, label)| view! {
                            <option value=format!("type:{value}")>{label}</option>
                        }).collect_view()}
                    </optgroup>
                    <optgroup label="Step">
                        {STEPS.iter().map(|action| view! {
                            <option value=format!("action:{}", i32::from(action.to_wire()))>{action.button_label(false)}</option>
                        }).collect_view()}
                    </optgroup>
                </select>
                <button type="submit" disabled=move || working.get()>
                    {move || format!("Apply to {}", count())}
                </button>
                <button type="button" class="secondary" on:click=move |_| selected.set(HashSet::new())>"Clear"</button>
                {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            </form>
        </Show>
    }
}
