//! The colour scheme: the system's (the default), or light or dark as the person chose it in
//! this browser (kept in its local storage, so it holds across tabs and visits). It is set as
//! `data-theme` on the root element; the style sheet reads it, and follows the system without it.

const KEY: &str = "steward.theme";

/// A colour scheme a person may choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "As the system is set",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    /// As kept in storage and on `data-theme`.
    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn from_name(name: &str) -> Theme {
        Theme::ALL.into_iter().find(|theme| theme.name() == name).unwrap_or(Theme::System)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// What this browser was set to.
pub fn chosen() -> Theme {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).map_or(Theme::System, |name| Theme::from_name(&name))
}

/// Shows the page in `theme`.
pub fn apply(theme: Theme) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        theme => root.set_attribute("data-theme", theme.name()),
    };
}

/// Keeps `theme` for this browser and shows it.
pub fn choose(theme: Theme) {
    if let Some(storage) = storage() {
        let _ = match theme {
            Theme::System => storage.remove_item(KEY),
            theme => storage.set_item(KEY, theme.name()),
        };
    }
    apply(theme);
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn a_stored_name_reads_back_as_its_theme_and_anything_else_as_the_system() {
        for theme in Theme::ALL {
            assert_eq!(Theme::from_name(theme.name()), theme);
        }
        assert_eq!(Theme::from_name("sepia"), Theme::System);
    }
}
