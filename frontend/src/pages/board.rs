//! The board: one column per lifecycle state, cards in the saved order. Staff move cards with
//! the mouse (drag and drop) or the keyboard alone (Space or Enter lifts the focused card, the
//! arrow keys move it, Space or Enter drops it, Escape puts it back), with every step announced
//! to screen readers. Everyone else sees their communities' board read-only.
//!
//! What the server confirmed (`cards`) is kept apart from moves still in flight (`moving`): a
//! move shows at once, and when the server refuses it the card simply falls back to the
//! confirmed state, with the reason on the card. The stream keeps `cards` current: a change is
//! applied only if its version is newer than the card's, so late or repeated news never wins.
//!
//! Each card is a signal of its own, keyed by number, and each column an ordered list of
//! numbers: a change to one ticket updates that card in place, and a column's list of cards is
//! rebuilt only when the order of its cards changes. The order of all cards is worked out once
//! per change and shared by the columns.
//!
//! A column draws its first [`PAGE`] cards and says how many more there are; "Show more" draws
//! the next page, and a card lifted with the keyboard past the last one drawn brings it into
//! view. So a board of thousands of tickets draws a few hundred cards, and its heading still
//! counts them all.

use std::collections::HashMap;

use leptos::prelude::*;
use steward_domain::{TicketState, board, lifecycle};
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, error_reason, labels};
use crate::components::clocks::ClockBadges;
use crate::live::{self, LiveEvent, Watch};

/// The columns, left to right.
const COLUMNS: &[pb::TicketState] = &[
    pb::TicketState::AwaitingApproval,
    pb::TicketState::New,
    pb::TicketState::Open,
    pb::TicketState::InProgress,
    pb::TicketState::Pending,
    pb::TicketState::Resolved,
    pb::TicketState::Closed,
];

/// How many cards a column draws at first, and how many more each "Show more" adds: more than
/// a tall screen holds, few enough that a board of thousands of tickets draws at once.
const PAGE: usize = 25;

/// A move shown before the server confirms it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placement {
    state: i32,
    rank: f64,
}

/// A card lifted with the keyboard: where it would go if dropped now.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Lifted {
    number: i64,
    column: usize,
    /// Its place among the other cards of that column.
    index: usize,
    /// Where it was picked up: dropping it there moves nothing.
    from: (usize, usize),
}

/// The client-side filters (staff).
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    community: Option<i64>,
    request_type: Option<i32>,
    priority: Option<i32>,
    /// `Some(0)` for unassigned.
    assignee: Option<i64>,
    text: String,
}

impl Filters {
    fn admit(&self, card: &pb::BoardCard) -> bool {
        let community = card.community.as_ref().map(|c| c.id);
        let assignee = card.assignee.as_ref().map(|a| a.id).unwrap_or(0);
        let text = self.text.trim().to_lowercase();
        self.community.is_none_or(|c| community == Some(c))
            && self.request_type.is_none_or(|t| card.request_type == t)
            && self.priority.is_none_or(|p| card.priority == p)
            && self.assignee.is_none_or(|a| assignee == a)
            && (text.is_empty()
                || card.title.to_lowercase().contains(&text)
                || format!("#{}", card.number).contains(text.trim_start_matches('#')))
    }
}

/// How a card marks its priority, so production down and urgent stand out at a glance.
fn priority_class(priority: i32) -> &'static str {
    match pb::Priority::try_from(priority) {
        Ok(pb::Priority::ProductionDown) => "production-down",
        Ok(pb::Priority::Urgent) => "urgent",
        _ => "normal",
    }
}

fn column_label(state: pb::TicketState) -> &'static str {
    labels::state(state as i32)
}

/// How long ago, in a few characters: "12 min", "5 h", "3 d".
fn age(created_at: &Option<prost_types::Timestamp>) -> String {
    let Some(created) = created_at else { return String::new() };
    let minutes = ((js_sys::Date::now() / 1000.0 - created.seconds as f64) / 60.0).max(0.0) as i64;
    match minutes {
        0..60 => format!("{minutes} min"),
        60..1440 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    }
}

/// The rank between two neighbours, as the server computes it (for showing a move at once).
/// When the gap has run out the server renumbers the column; until it answers, the card shows
/// just below its upper neighbour.
fn rank_between(above: Option<f64>, below: Option<f64>) -> f64 {
    board::rank_between(above, below).or(above).unwrap_or(1.0)
}

/// Whether dragging from one state to another asks for a reason: the lifecycle's step between
/// the two columns does (reopening, declining).
fn needs_reason(from: i32, to: i32) -> bool {
    let (Some(from), Some(to)) = (TicketState::from_wire_lossy(from), TicketState::from_wire_lossy(to)) else {
        return false;
    };
    lifecycle::step_between(from, to).is_ok_and(|action| action.needs_reason())
}

fn focus_card(number: i64) {
    let id = format!("card-{number}");
    // After the view has re-rendered the card in its new place.
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        if let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id)) {
            use wasm_bindgen::JsCast;
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}

/// The cards the server confirmed, each one a signal of its own.
type Cards = HashMap<i64, RwSignal<pb::BoardCard>>;

#[derive(Clone, Copy)]
struct Board {
    cards: RwSignal<Cards>,
    moving: RwSignal<HashMap<i64, Placement>>,
    /// A message on a card: why a move was refused, or who moved it first.
    notes: RwSignal<HashMap<i64, String>>,
    /// Who last changed each card, from the stream.
    last_actor: RwSignal<HashMap<i64, String>>,
    lifted: RwSignal<Option<Lifted>>,
    dragging: RwSignal<Option<i64>>,
    announcement: RwSignal<String>,
    filters: RwSignal<Filters>,
    can_move: RwSignal<bool>,
    communities: RwSignal<Vec<pb::Community>>,
    error: RwSignal<Option<ApiError>>,
    /// How many cards each column draws.
    shown: RwSignal<[usize; COLUMNS.len()]>,
}

impl Board {
    /// Applies a card from the server if it is newer than the one shown.
    fn upsert(&self, card: pb::BoardCard) {
        let shown = self.cards.with_untracked(|cards| cards.get(&card.number).copied());
        match shown {
            Some(shown) => shown.maybe_update(|shown| {
                let newer = card.version > shown.version;
                if newer {
                    *shown = card;
                }
                newer
            }),
            None => self.cards.update(|cards| {
                cards.insert(card.number, RwSignal::new(card));
            }),
        }
    }

    /// Makes the server's cards the board's: newer ones replace those shown, cards gone from
    /// the server go, new ones come in with one change to the set (not one per card).
    fn replace_all(&self, fresh: Vec<pb::BoardCard>) {
        let numbers: std::collections::HashSet<i64> = fresh.iter().map(|c| c.number).collect();
        let mut added = Vec::new();
        for card in fresh {
            match self.cards.with_untracked(|cards| cards.get(&card.number).copied()) {
                Some(_) => self.upsert(card),
                None => added.push(card),
            }
        }
        self.cards.update(|cards| {
            cards.retain(|number, _| numbers.contains(number));
            cards.extend(added.into_iter().map(|card| (card.number, RwSignal::new(card))));
        });
    }

    /// The confirmed card.
    fn card_untracked(&self, number: i64) -> Option<pb::BoardCard> {
        self.cards.with_untracked(|cards| cards.get(&number).map(|card| card.get_untracked()))
    }

    /// Where a card is shown: the confirmed place with a move in flight on top.
    fn placement(moving: &HashMap<i64, Placement>, card: &pb::BoardCard) -> Placement {
        moving.get(&card.number).copied().unwrap_or(Placement { state: card.state, rank: card.rank })
    }

    /// Every card that passes the filters, as (column, rank, number), in board order: by
    /// column, then rank, then number. `tracked` for the memo the columns share (worked out
    /// once per change); untracked for working out a move.
    fn placed(&self, tracked: bool) -> Vec<(usize, f64, i64)> {
        let place = |cards: &Cards, moving: &HashMap<i64, Placement>, filters: &Filters| {
            let mut placed: Vec<(usize, f64, i64)> = cards
                .values()
                .filter_map(|card| {
                    let visit = |card: &pb::BoardCard| {
                        let at = Board::placement(moving, card);
                        let column = COLUMNS.iter().position(|s| *s as i32 == at.state)?;
                        filters.admit(card).then_some((column, at.rank, card.number))
                    };
                    if tracked { card.with(visit) } else { card.with_untracked(visit) }
                })
                .collect();
            placed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
            placed
        };
        if tracked {
            self.cards
                .with(|cards| self.moving.with(|moving| self.filters.with(|filters| place(cards, moving, filters))))
        } else {
            self.cards.with_untracked(|cards| {
                self.moving
                    .with_untracked(|moving| self.filters.with_untracked(|filters| place(cards, moving, filters)))
            })
        }
    }

    /// Column `column`'s part of [`Board::placed`].
    fn column_of(placed: &[(usize, f64, i64)], column: usize) -> &[(usize, f64, i64)] {
        &placed[placed.partition_point(|p| p.0 < column)..placed.partition_point(|p| p.0 <= column)]
    }

    /// The numbers of the cards in column `column`, in order, with a keyboard-lifted card shown
    /// where it would land (tracked: for the column's list). `placed` is [`Board::placed`].
    fn column_order(&self, column: usize, placed: &[(usize, f64, i64)]) -> Vec<i64> {
        let lifted = self.lifted.get();
        let mut order: Vec<i64> = Board::column_of(placed, column)
            .iter()
            .map(|p| p.2)
            .filter(|n| Some(*n) != lifted.map(|l| l.number))
            .collect();
        if let Some(lifted) = lifted
            && lifted.column == column
        {
            order.insert(lifted.index.min(order.len()), lifted.number);
        }
        order
    }

    /// Draws column `column` down to place `index` at least (a lifted card moving down, a card
    /// dropped just below the last one drawn).
    fn show_place(&self, column: usize, index: usize) {
        if self.shown.with_untracked(|shown| shown[column] <= index) {
            self.shown.update(|shown| shown[column] = index + 1);
        }
    }

    /// The other cards of column `column`, in order (leaving `number` out), as (number, rank).
    fn others_in(&self, column: usize, number: i64) -> Vec<(i64, f64)> {
        Board::column_of(&self.placed(false), column).iter().filter(|p| p.2 != number).map(|p| (p.2, p.1)).collect()
    }

    /// Moves `number` to `column`, just above `before` (or to the bottom).
    fn move_card(&self, number: i64, column: usize, before: Option<i64>) {
        let Some(card) = self.card_untracked(number) else { return };
        let to = COLUMNS[column] as i32;
        if card.state == to && before.is_none() && self.others_in(column, number).last().is_none_or(|l| l.1 < card.rank)
        {
            return; // Already at the bottom of its column.
        }
        let reason = if needs_reason(card.state, to) {
            let question = format!(
                "Why move #{} from {} to {}? (kept on the ticket)",
                number,
                labels::state(card.state),
                labels::state(to)
            );
            match web_sys::window().and_then(|w| w.prompt_with_message(&question).ok().flatten()) {
                Some(reason) if !reason.trim().is_empty() => reason,
                _ => {
                    self.announcement.set("Move cancelled: a reason is needed.".to_owned());
                    return;
                }
            }
        } else {
            String::new()
        };
        let others = self.others_in(column, number);
        let rank = match before {
            Some(before) => {
                let at = others.iter().position(|c| c.0 == before).unwrap_or(others.len());
                let above = at.checked_sub(1).and_then(|i| others.get(i)).map(|c| c.1);
                rank_between(above, others.get(at).map(|c| c.1))
            }
            None => rank_between(others.last().map(|c| c.1), None),
        };
        self.moving.update(|m| {
            m.insert(number, Placement { state: to, rank });
        });
        self.notes.update(|n| {
            n.remove(&number);
        });
        let request =
            pb::MoveCardRequest { number, expected_version: card.version, to_state: to, before_number: before, reason };
        let board = *self;
        leptos::task::spawn_local(async move {
            match api::board().move_card(request).await {
                Ok(response) => {
                    if let Some(card) = response.into_inner().card {
                        board.upsert(card);
                    }
                    board.moving.update(|m| {
                        m.remove(&number);
                    });
                }
                Err(status) => {
                    let stale = error_reason(&status).as_deref() == Some("STALE_VERSION");
                    let error = ApiError::from(status);
                    board.moving.update(|m| {
                        m.remove(&number);
                    });
                    let note = if stale {
                        let who = board
                            .last_actor
                            .get_untracked()
                            .get(&number)
                            .cloned()
                            .unwrap_or_else(|| "Someone else".to_owned());
                        board.reload_card(number);
                        format!("{who} moved this first; your move was not applied.")
                    } else {
                        error.message
                    };
                    board.announcement.set(format!("#{number} was not moved. {note}"));
                    board.notes.update(|n| {
                        n.insert(number, note);
                    });
                }
            }
        });
    }

    /// Fetches the board again to show `number` as the server has it now (the stream usually
    /// brings it first; this covers the case where it has not yet).
    fn reload_card(&self, number: i64) {
        let board = *self;
        leptos::task::spawn_local(async move {
            if let Ok(response) = api::board().get_board(pb::GetBoardRequest {}).await {
                let response = response.into_inner();
                if let Some(card) = response.cards.into_iter().find(|c| c.number == number) {
                    board.upsert(card);
                }
            }
        });
    }

    /// Replaces every card with the server's (first load and resync).
    fn load(&self, on_loaded: impl FnOnce(Option<pb::LivePosition>) + 'static) {
        let board = *self;
        leptos::task::spawn_local(async move {
            match api::read(async || api::board().get_board(pb::GetBoardRequest {}).await).await {
                Ok(response) => {
                    board.can_move.set(response.can_move);
                    board.replace_all(response.cards);
                    board.error.set(None);
                    board.communities.set(response.communities);
                    // Drawn in a task of its own: reading thousands of cards and drawing the
                    // columns would otherwise hold the page in one long task.
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    on_loaded(response.position);
                }
                Err(failed) => board.error.set(Some(failed)),
            }
        });
    }

    /// A key on a card that is not lifted: Space or Enter lifts it.
    fn keydown_on_card(&self, number: i64, event: leptos::ev::KeyboardEvent) {
        if !self.can_move.get_untracked() || self.lifted.get_untracked().is_some() {
            return;
        }
        if !matches!(event.key().as_str(), " " | "Enter") {
            return;
        }
        event.prevent_default();
        // The page-wide handler below takes over from here; this key is not for it.
        event.stop_propagation();
        let Some(card) = self.card_untracked(number) else { return };
        let placed = self.moving.with_untracked(|moving| Board::placement(moving, &card));
        let Some(column) = COLUMNS.iter().position(|s| *s as i32 == placed.state) else { return };
        let index = self.others_in(column, number).iter().filter(|c| c.1 < placed.rank).count();
        self.lifted.set(Some(Lifted { number, column, index, from: (column, index) }));
        self.announce_place(&format!("Picked up #{number} {}.", card.title), column, index, number);
    }

    /// A key anywhere on the page while a card is lifted (the card is re-rendered as it moves,
    /// so focus may be between elements for a moment): arrows move it, Space or Enter drops it,
    /// Escape puts it back.
    fn keydown_while_lifted(&self, event: leptos::ev::KeyboardEvent) {
        let Some(mut lifted) = self.lifted.get_untracked() else { return };
        let number = lifted.number;
        match event.key().as_str() {
            " " | "Enter" => {
                event.prevent_default();
                let others = self.others_in(lifted.column, number);
                let before = others.get(lifted.index).map(|c| c.0);
                self.lifted.set(None);
                self.announcement.set(format!("Dropped #{number} in {}.", column_label(COLUMNS[lifted.column])));
                if (lifted.column, lifted.index) != lifted.from {
                    self.move_card(number, lifted.column, before);
                }
            }
            "Escape" => {
                event.prevent_default();
                self.lifted.set(None);
                self.announcement.set("Move cancelled.".to_owned());
            }
            key @ ("ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") => {
                event.prevent_default();
                match key {
                    "ArrowLeft" => lifted.column = lifted.column.saturating_sub(1),
                    "ArrowRight" => lifted.column = (lifted.column + 1).min(COLUMNS.len() - 1),
                    "ArrowUp" => lifted.index = lifted.index.saturating_sub(1),
                    _ => lifted.index += 1,
                }
                lifted.index = lifted.index.min(self.others_in(lifted.column, number).len());
                self.show_place(lifted.column, lifted.index);
                self.lifted.set(Some(lifted));
                self.announce_place("Moved", lifted.column, lifted.index, number);
            }
            _ => return,
        }
        focus_card(number);
    }

    fn announce_place(&self, start: &str, column: usize, index: usize, number: i64) {
        let count = self.others_in(column, number).len() + 1;
        let place = if start == "Moved" { "Moved to".to_owned() } else { format!("{start} In") };
        self.announcement.set(format!(
            "{place} {}, position {} of {count}. Arrow keys move it, Space drops it, Escape cancels.",
            column_label(COLUMNS[column]),
            index + 1
        ));
    }
}

#[component]
pub fn BoardPage() -> impl IntoView {
    crate::components::title::page_title(|| "Board".to_owned());
    let board = Board {
        cards: RwSignal::new(HashMap::new()),
        moving: RwSignal::new(HashMap::new()),
        notes: RwSignal::new(HashMap::new()),
        last_actor: RwSignal::new(HashMap::new()),
        lifted: RwSignal::new(None),
        dragging: RwSignal::new(None),
        announcement: RwSignal::new(String::new()),
        filters: RwSignal::new(Filters::default()),
        can_move: RwSignal::new(false),
        communities: RwSignal::new(Vec::new()),
        error: RwSignal::new(None),
        shown: RwSignal::new([PAGE; COLUMNS.len()]),
    };
    let loaded = RwSignal::new(false);
    let keys = window_event_listener(leptos::ev::keydown, move |event| board.keydown_while_lifted(event));
    on_cleanup(move || keys.remove());
    let owner = Owner::current().expect("the board page has an owner");
    board.load(move |position| {
        loaded.set(true);
        owner.with(|| {
            live::watch(Watch { all_tickets: true, ..Default::default() }, position, move |event| match event {
                LiveEvent::Change(change) => {
                    if let Some(actor) = &change.actor {
                        board.last_actor.update(|a| {
                            a.insert(change.number, actor.display_name.clone());
                        });
                    }
                    if let Some(card) = change.card {
                        board.upsert(card);
                    }
                }
                LiveEvent::Resync => board.load(|_| {}),
                LiveEvent::Live { .. } | LiveEvent::Incident(_) => {}
            });
        });
    });

    // The order of every column, worked out once per change of the cards.
    let placed = Memo::new(move |_| board.placed(true));
    let orders: [Memo<Vec<i64>>; 7] =
        std::array::from_fn(|index| Memo::new(move |_| placed.with(|placed| board.column_order(index, placed))));
    // Where only one column fits (a phone), the one shown: at first the first that has cards;
    // then the one a card lifted with the keyboard is carried to.
    let chosen = RwSignal::new(0usize);
    Effect::new(move |picked: Option<bool>| {
        if picked == Some(true) || !loaded.get() {
            return picked.unwrap_or(false);
        }
        let first = orders.iter().position(|order| order.with_untracked(|o| !o.is_empty()));
        chosen.set(first.unwrap_or(0));
        true
    });
    Effect::new(move |_| {
        if let Some(column) = board.lifted.with(|lifted| lifted.as_ref().map(|l| l.column)) {
            chosen.set(column);
        }
    });
    view! {
        <h1>"Board"</h1>
        <p class="sr-only" aria-live="assertive" id="board-announcer">{move || board.announcement.get()}</p>
        {move || board.error.get().map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
        <Show when=move || board.can_move.get()>
            <BoardFilters board/>
            <p class="hint" id="board-help">
                "Drag a card to another column or place, or focus it and press Space to lift it, the arrow keys to move it, Space to drop it and Escape to cancel."
            </p>
        </Show>
        <Show when=move || loaded.get() && !board.can_move.get()>
            <p class="hint">"This board follows your communities' tickets live. The support team moves the cards."</p>
        </Show>
        <Show when=move || loaded.get() fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <div class="column-switcher">
                <label for="board-column">"Column"</label>
                <select id="board-column" on:change=move |ev| {
                    if let Ok(index) = event_target_value(&ev).parse() { chosen.set(index) }
                }>
                    {COLUMNS.iter().enumerate().map(|(index, state)| view! {
                        <option value=index.to_string() selected=move || chosen.get() == index>
                            {column_label(*state)}" ("{move || orders[index].with(Vec::len)}")"
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="board">
                {COLUMNS.iter().enumerate().map(|(index, state)| {
                    view! { <Column board index state=*state order=orders[index] chosen/> }
                }).collect_view()}
            </div>
        </Show>
    }
}

#[component]
fn Column(
    board: Board,
    index: usize,
    state: pb::TicketState,
    order: Memo<Vec<i64>>,
    chosen: RwSignal<usize>,
) -> impl IntoView {
    let heading_id = format!("column-{index}");
    let labelled_by = heading_id.clone();
    let count = move || order.with(Vec::len);
    let shown = move || board.shown.with(|shown| shown[index]);
    let drawn = Memo::new(move |_| order.with(|order| order[..order.len().min(shown())].to_vec()));
    let hidden = move || count().saturating_sub(shown());
    // Dropped below the cards drawn: it goes just after them, before the first card not drawn,
    // so it lands where it was let go and stays in view.
    let on_drop = move |event: leptos::ev::DragEvent| {
        event.prevent_default();
        if let Some(number) = board.dragging.get_untracked() {
            board.dragging.set(None);
            let drawn = board.shown.with_untracked(|shown| shown[index]);
            let before = order.with_untracked(|order| order.iter().skip(drawn).find(|n| **n != number).copied());
            board.show_place(index, drawn);
            board.move_card(number, index, before);
        }
    };
    let show_more = move |_| board.shown.update(|shown| shown[index] += PAGE);
    view! {
        <section class="column" aria-labelledby=labelled_by data-state=column_label(state)
            class:chosen=move || chosen.get() == index
            on:dragover=move |event: leptos::ev::DragEvent| event.prevent_default()
            on:drop=on_drop>
            <h2 id=heading_id>{column_label(state)}" "<span class="count">{count}</span></h2>
            <ol class="cards">
                <For each=move || drawn.get() key=|number| *number let(number)>
                    <Card board column=index number/>
                </For>
            </ol>
            <Show when=move || { hidden() > 0 }>
                <button type="button" class="secondary show-more" on:click=show_more>
                    {move || format!("Show {} more", hidden().min(PAGE))}
                    <span class="hint">{move || format!(" ({} not shown)", hidden())}</span>
                </button>
            </Show>
        </section>
    }
}

#[component]
fn Card(board: Board, column: usize, number: i64) -> impl IntoView {
    let Some(card) = board.cards.with_untracked(|cards| cards.get(&number).copied()) else {
        return ().into_any();
    };
    let movable = board.can_move.get_untracked();
    let lifted = move || board.lifted.with(|l| l.is_some_and(|l| l.number == number));
    let moving = move || board.moving.with(|m| m.contains_key(&number));
    let note = move || board.notes.with(|n| n.get(&number).cloned());
    let on_drop = move |event: leptos::ev::DragEvent| {
        event.prevent_default();
        event.stop_propagation();
        if let Some(dragged) = board.dragging.get_untracked() {
            board.dragging.set(None);
            if dragged != number {
                board.move_card(dragged, column, Some(number));
            }
        }
    };
    let on_dragstart = move |event: leptos::ev::DragEvent| {
        board.dragging.set(Some(number));
        if let Some(transfer) = event.data_transfer() {
            let _ = transfer.set_data("text/plain", &number.to_string());
            transfer.set_effect_allowed("move");
        }
    };
    let assignee = move || {
        card.with(|c| c.assignee.as_ref().map(|a| a.display_name.clone()).unwrap_or_else(|| "Unassigned".to_owned()))
    };
    let community = move || card.with(|c| c.community.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let label = move || card.with(|c| format!("#{} {}", c.number, c.title));
    let created_at = card.with_untracked(|c| c.created_at);
    view! {
        <li class="card" id=format!("card-{number}") data-number=number.to_string()
            class:lifted=lifted class:moving=moving
            draggable=if movable { "true" } else { "false" }
            tabindex="0"
            aria-roledescription=if movable { "movable card" } else { "card" }
            aria-describedby=if movable { "board-help" } else { "" }
            aria-label=label
            on:dragstart=on_dragstart
            on:dragend=move |_| board.dragging.set(None)
            on:dragover=move |event: leptos::ev::DragEvent| event.prevent_default()
            on:drop=on_drop
            on:keydown=move |event| board.keydown_on_card(number, event)>
            <p class="card-title">
                <a href=format!("/tickets/{number}") draggable="false" tabindex="-1">{format!("#{number}")}</a>" "{move || card.with(|c| c.title.clone())}
            </p>
            <p class="card-facts">
                <span>{community}</span>
                <span>{move || card.with(|c| labels::request_type(c.request_type))}</span>
                <span class="priority" data-priority=move || card.with(|c| priority_class(c.priority))>
                    {move || card.with(|c| labels::priority(c.priority))}
                </span>
            </p>
            <p class="card-facts">
                <span>{assignee}</span>
                <span title="Filed this long ago">{format!("{} old", age(&created_at))}</span>
                {move || card.with(|c| c.confidential).then(|| view! { <span class="badge confidential">"Confidential"</span> })}
            </p>
            <p class="card-clocks"><ClockBadges clocks=Signal::derive(move || card.with(|c| c.clocks.clone()))/></p>
            {move || note().map(|text| view! { <p class="card-note" role="alert">{text}</p> })}
            {movable.then(|| view! {
                <a class="card-action" href=format!("/tickets/{number}?escalate") draggable="false"
                    aria-label=format!("Escalate #{number} to an incident")>"Escalate"</a>
            })}
        </li>
    }
    .into_any()
}

#[component]
fn BoardFilters(board: Board) -> impl IntoView {
    let communities = board.communities;
    let assignees = move || {
        let mut people: Vec<(i64, String)> = board.cards.with(|cards| {
            cards
                .values()
                .filter_map(|card| card.with(|c| c.assignee.as_ref().map(|a| (a.id, a.display_name.clone()))))
                .collect()
        });
        people.sort();
        people.dedup();
        people
    };
    let set = move |change: &dyn Fn(&mut Filters)| board.filters.update(|f| change(f));
    let number = |value: String| value.parse::<i64>().ok();
    view! {
        <form class="filters" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <div>
                <label for="board-community">"Community"</label>
                <select id="board-community" on:change=move |ev| set(&|f| f.community = number(event_target_value(&ev)))>
                    <option value="">"All communities"</option>
                    {move || communities.get().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="board-type">"Type"</label>
                <select id="board-type" on:change=move |ev| set(&|f| f.request_type = number(event_target_value(&ev)).map(|v| v as i32))>
                    <option value="">"Any type"</option>
                    {labels::request_types().map(|(value, label)| view! {
                        <option value=value.to_string()>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="board-priority">"Priority"</label>
                <select id="board-priority" on:change=move |ev| set(&|f| f.priority = number(event_target_value(&ev)).map(|v| v as i32))>
                    <option value="">"Any priority"</option>
                    {labels::priorities().map(|(value, label)| view! {
                        <option value=value.to_string()>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="board-assignee">"Assignee"</label>
                <select id="board-assignee" on:change=move |ev| set(&|f| f.assignee = number(event_target_value(&ev)))>
                    <option value="">"Anyone"</option>
                    <option value="0">"Unassigned"</option>
                    {move || assignees().into_iter().map(|(id, name)| view! {
                        <option value=id.to_string()>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="board-text">"Search"</label>
                <input id="board-text" type="search" placeholder="Title or #number"
                    on:input=move |ev| set(&|f| f.text = event_target_value(&ev))/>
            </div>
        </form>
    }
}
