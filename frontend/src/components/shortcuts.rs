//! Keyboard shortcuts, for people who live in Steward all day. The rule: a key is never taken
//! while the person types in a field (only Ctrl/Cmd-K, which no field uses, opens the command
//! menu from anywhere), and every shortcut is listed under `?`.
//!
//! - `j` / `k`: the next / previous entry of the list on the page (tickets, the triage
//!   queue); `Enter` opens it.
//! - `/`: the page's search field.
//! - `r` / `n`: on a ticket, write a reply / an internal note.
//! - `?`: this list. Ctrl/Cmd-K: the command menu, which reaches every page the person may use
//!   and the page's own actions.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

/// What a list entry carries so `j`, `k` and `Enter` find it.
pub const LIST_ITEM: &str = "data-list-item";

/// The shortcuts, as the help lists them.
const KEYS: &[(&str, &str)] = &[
    ("j / k", "Next / previous ticket in a list"),
    ("Enter", "Open the ticket chosen with j / k"),
    ("x", "Choose the ticket chosen with j / k for a change to several (support team)"),
    ("/", "Search the list"),
    ("r", "Reply to the ticket"),
    ("n", "Add an internal note to the ticket (support team)"),
    ("Ctrl-K or ⌘K", "Command menu: go to any page"),
    ("?", "This list"),
    ("Escape", "Close this list or the menu"),
];

/// A place or action the command menu offers.
#[derive(Clone, Debug, PartialEq)]
struct Command {
    label: &'static str,
    run: Run,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Run {
    Go(&'static str),
    Reply,
    Note,
    Search,
    Help,
}

/// The pages a person may use, as the header offers them.
fn pages(staff: bool, representative: bool) -> Vec<Command> {
    let mut pages = vec![("Tickets", "/tickets"), ("Board", "/board"), ("Incidents", "/incidents")];
    if staff {
        pages.extend([("Triage queue", "/triage"), ("Email", "/mail"), ("Settings", "/settings")]);
    }
    pages.extend([
        ("New request", "/new"),
        ("Known issues", "/known-issues"),
        ("Help: how to get support", "/support"),
        ("Notifications", "/notifications"),
        ("Your profile", "/profile"),
    ]);
    if representative {
        pages.push(("Approvals", "/approvals"));
    }
    pages.into_iter().map(|(label, href)| Command { label, run: Run::Go(href) }).collect()
}

/// The commands whose label holds every word typed, in order offered.
fn matching(commands: &[Command], typed: &str) -> Vec<Command> {
    let typed = typed.to_lowercase();
    let words: Vec<&str> = typed.split_whitespace().collect();
    commands.iter().filter(|c| words.iter().all(|w| c.label.to_lowercase().contains(w))).cloned().collect()
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn element(selector: &str) -> Option<web_sys::HtmlElement> {
    document()?.query_selector(selector).ok().flatten()?.dyn_into().ok()
}

/// Whether keys go to a field being typed in.
fn typing(event: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else { return false };
    match target.tag_name().as_str() {
        // A box ticked or a choice made takes no letters.
        "INPUT" => !matches!(target.get_attribute("type").as_deref(), Some("checkbox" | "radio" | "button" | "submit")),
        "TEXTAREA" | "SELECT" => true,
        _ => target.is_content_editable(),
    }
}

/// Moves to the next (`step` 1) or previous (-1) list entry from the one holding the focus.
fn step_through_list(step: i32) -> bool {
    let Some(document) = document() else { return false };
    let Ok(items) = document.query_selector_all(&format!("[{LIST_ITEM}]")) else { return false };
    let items: Vec<web_sys::HtmlElement> =
        (0..items.length()).filter_map(|i| items.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect();
    if items.is_empty() {
        return false;
    }
    let focused = document.active_element();
    let current = items.iter().position(|item| focused.as_ref().is_some_and(|f| item.contains(Some(f))));
    let next = match current {
        None => 0,
        Some(at) => (at as i32 + step).clamp(0, items.len() as i32 - 1) as usize,
    };
    let _ = items[next].focus();
    true
}

/// Opens the list entry that holds the focus.
fn open_focused_item() -> bool {
    let Some(focused) = document().and_then(|d| d.active_element()) else { return false };
    if !focused.has_attribute(LIST_ITEM) {
        return false;
    }
    match focused.query_selector("a[href]").ok().flatten().and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(link) => {
            link.click();
            true
        }
        None => false,
    }
}

/// Ticks (or unticks) the checkbox of the list entry that holds the focus, if it has one.
fn choose_focused_item() -> bool {
    let Some(focused) = document().and_then(|d| d.active_element()) else { return false };
    let Some(item) = focused.closest(&format!("[{LIST_ITEM}]")).ok().flatten() else { return false };
    let checkbox = item.query_selector("input[type=checkbox]").ok().flatten();
    match checkbox.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(checkbox) => {
            checkbox.click();
            true
        }
        None => false,
    }
}

/// Starts a reply (or, with `note`, an internal note) on the ticket shown, if it has a composer.
fn compose(note: bool) -> bool {
    let choice = if note { "#visibility-internal" } else { "#visibility-public" };
    let Some(message) = element("#message") else { return false };
    if let Some(choice) = element(choice) {
        choice.click();
    } else if note {
        return false;
    }
    let _ = message.focus();
    true
}

fn focus_search() -> bool {
    element("main input[type=search]").is_some_and(|search| search.focus().is_ok())
}

/// The commands for the page shown now: its own actions first, then every page.
fn commands(staff: bool, representative: bool) -> Vec<Command> {
    let mut here = Vec::new();
    if element("#message").is_some() {
        here.push(Command { label: "Reply to this ticket", run: Run::Reply });
    }
    if element("#visibility-internal").is_some() {
        here.push(Command { label: "Add an internal note to this ticket", run: Run::Note });
    }
    if element("main input[type=search]").is_some() {
        here.push(Command { label: "Search this page", run: Run::Search });
    }
    here.extend(pages(staff, representative));
    here.push(Command { label: "Keyboard shortcuts", run: Run::Help });
    here
}

/// The shortcuts' key handler, their help and the command menu; once, in the signed-in shell.
#[component]
pub fn Shortcuts(staff: bool, representative: bool) -> impl IntoView {
    let help = RwSignal::new(false);
    let menu = RwSignal::new(false);
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        let key = event.key();
        if (event.ctrl_key() || event.meta_key()) && key.eq_ignore_ascii_case("k") {
            event.prevent_default();
            help.set(false);
            menu.update(|open| *open = !*open);
            return;
        }
        if key == "Escape" && (help.get_untracked() || menu.get_untracked()) {
            help.set(false);
            menu.set(false);
            return;
        }
        if event.ctrl_key() || event.meta_key() || event.alt_key() || typing(&event) || menu.get_untracked() {
            return;
        }
        let handled = match key.as_str() {
            "j" => step_through_list(1),
            "k" => step_through_list(-1),
            "Enter" => open_focused_item(),
            "x" => choose_focused_item(),
            "/" => focus_search(),
            "r" => compose(false),
            "n" => compose(true),
            "?" => {
                help.update(|open| *open = !*open);
                true
            }
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    });
    on_cleanup(move || keys.remove());
    // The help takes the focus while it is open, so Escape and Tab work from there.
    let close = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(close) = close.get() {
            let _ = close.focus();
        }
    });
    view! {
        <Show when=move || help.get()>
            <div class="overlay" on:click=move |_| help.set(false)>
                <section class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-heading"
                    on:click=|ev| ev.stop_propagation()>
                    <h2 id="shortcuts-heading">"Keyboard shortcuts"</h2>
                    <dl class="shortcut-list">
                        {KEYS.iter().map(|(keys, what)| view! { <dt><kbd>{*keys}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                    </dl>
                    <p class="hint">"Keys typed into a field stay in the field."</p>
                    <button type="button" class="secondary" node_ref=close on:click=move |_| help.set(false)>"Close"</button>
                </section>
            </div>
        </Show>
        <Show when=move || menu.get()>
            <CommandMenu open=menu help staff representative/>
        </Show>
    }
}

/// A search box over the commands; arrows choose, Enter runs, Escape closes.
#[component]
fn CommandMenu(open: RwSignal<bool>, help: RwSignal<bool>, staff: bool, representative: bool) -> impl IntoView {
    let navigate = use_navigate();
    let all = StoredValue::new(commands(staff, representative));
    let typed = RwSignal::new(String::new());
    let chosen = RwSignal::new(0usize);
    let shown = Memo::new(move |_| typed.with(|typed| all.with_value(|all| matching(all, typed))));
    let run = move |command: Command| {
        open.set(false);
        match command.run {
            Run::Go(href) => navigate(href, Default::default()),
            Run::Reply => {
                compose(false);
            }
            Run::Note => {
                compose(true);
            }
            Run::Search => {
                focus_search();
            }
            Run::Help => help.set(true),
        }
    };
    let run_for_keys = run.clone();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let count = shown.with(Vec::len);
        match event.key().as_str() {
            "ArrowDown" => {
                event.prevent_default();
                chosen.update(|c| *c = (*c + 1).min(count.saturating_sub(1)));
            }
            "ArrowUp" => {
                event.prevent_default();
                chosen.update(|c| *c = c.saturating_sub(1));
            }
            "Enter" => {
                event.prevent_default();
                if let Some(command) = shown.with(|shown| shown.get(chosen.get_untracked()).cloned()) {
                    run_for_keys(command);
                }
            }
            _ => {}
        }
    };
    let option_id = |index: usize| format!("command-{index}");
    // Typing goes straight into the box.
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });
    view! {
        <div class="overlay" on:click=move |_| open.set(false)>
            <section class="dialog command-menu" role="dialog" aria-modal="true" aria-label="Command menu"
                on:click=|ev| ev.stop_propagation()>
                <input type="text" role="combobox" aria-expanded="true" aria-controls="command-list" node_ref=input
                    aria-label="Go to or do" placeholder="Go to or do…"
                    aria-activedescendant=move || option_id(chosen.get())
                    prop:value=move || typed.get()
                    on:input=move |ev| {
                        typed.set(event_target_value(&ev));
                        chosen.set(0);
                    }
                    on:keydown=on_keydown/>
                <ul id="command-list" role="listbox" aria-label="Commands">
                    {move || {
                        let run = run.clone();
                        shown.get().into_iter().enumerate().map(move |(index, command)| {
                            let run = run.clone();
                            let label = command.label;
                            view! {
                                <li role="option" id=option_id(index)
                                    aria-selected=move || if chosen.get() == index { "true" } else { "false" }
                                    on:click=move |_| run(command.clone())>{label}</li>
                            }
                        }).collect_view()
                    }}
                </ul>
                <Show when=move || shown.with(Vec::is_empty)>
                    <p class="hint">"Nothing matches."</p>
                </Show>
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_offers_only_the_pages_the_person_may_use() {
        let labels = |commands: Vec<Command>| commands.into_iter().map(|c| c.label).collect::<Vec<_>>();
        let member = labels(pages(false, false));
        assert!(member.contains(&"Tickets") && member.contains(&"New request"));
        assert!(!member.contains(&"Triage queue") && !member.contains(&"Settings") && !member.contains(&"Approvals"));
        assert!(labels(pages(false, true)).contains(&"Approvals"));
        assert!(labels(pages(true, false)).contains(&"Triage queue"));
    }

    #[test]
    fn every_word_typed_must_be_in_the_label() {
        let all = pages(true, false);
        let found = |typed: &str| matching(&all, typed).into_iter().map(|c| c.label).collect::<Vec<_>>();
        assert_eq!(found("triage"), ["Triage queue"]);
        assert_eq!(found("NEW req"), ["New request"]);
        assert_eq!(found("queue new"), Vec::<&str>::new());
        assert_eq!(found("").len(), all.len());
    }
}
