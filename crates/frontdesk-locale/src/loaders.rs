//! Per-locale Fluent loaders for one domain.

use crate::{FALLBACK_TAG, Locale, Localizations, fallback, shipped};
use i18n_embed::LanguageLoader;
use i18n_embed::fluent::FluentLanguageLoader;

/// One [`FluentLanguageLoader`] per shipped locale for one domain (one crate's
/// `locales/<tag>/<domain>.ftl`), each loaded with the locale and then en-US, so English fills
/// any message the locale's file lacks. Build it once:
///
/// ```ignore
/// static TEXTS: LazyLock<Loaders> = LazyLock::new(|| Loaders::new(|| fluent_language_loader!()));
/// fl!(TEXTS.get(locale), "booking-confirmed", name = "Ana")
/// ```
///
/// Fluent's Unicode bidi isolation marks around placeables are turned off: frontdesk's text
/// rules refuse them and a speech engine would read them.
pub struct Loaders {
    /// In the order of [`shipped`], so a locale's index finds its loader.
    loaders: Vec<FluentLanguageLoader>,
}

impl Loaders {
    /// Calls `make` once per shipped locale for a fresh loader of the domain (its domain and
    /// fallback language come from `make`, e.g. `fluent_language_loader!()` and the crate's
    /// `i18n.toml`), and loads it from [`Localizations`].
    ///
    /// # Panics
    /// When the domain has no `locales/en-US/<domain>.ftl`: a packaging bug that every test of
    /// the domain's crate shows at once.
    pub fn new(make: impl Fn() -> FluentLanguageLoader) -> Loaders {
        let english = fallback().langid().clone();
        let loaders = shipped()
            .iter()
            .map(|locale| {
                let loader = make();
                let file = format!("{}/{}", locale.tag(), loader.language_file_name());
                let mut languages = Vec::new();
                if Localizations::get(&file).is_some() {
                    languages.push(locale.langid().clone());
                }
                if locale.tag() != FALLBACK_TAG {
                    languages.push(english.clone());
                }
                if let Err(e) = loader.load_languages(&Localizations, &languages) {
                    panic!(
                        "locales/{FALLBACK_TAG}/{}: {e}",
                        loader.language_file_name()
                    );
                }
                loader.set_use_isolating(false);
                loader
            })
            .collect();
        Loaders { loaders }
    }

    /// The loader of `locale`.
    pub fn get(&self, locale: &Locale) -> &FluentLanguageLoader {
        &self.loaders[locale.index]
    }
}

impl std::fmt::Debug for Loaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaders")
            .field("locales", &self.loaders.len())
            .finish()
    }
}
