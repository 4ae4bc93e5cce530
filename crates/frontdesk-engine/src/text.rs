//! Loose text matching for what callers say: case, accents and separators do not matter
//! (`avancado 1` matches `Avançado1`).

pub(crate) fn fold(input: &str) -> String {
    input
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            let c = match c {
                'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
                'é' | 'ê' | 'è' | 'ë' => 'e',
                'í' | 'î' | 'ï' => 'i',
                'ó' | 'ô' | 'õ' | 'ö' => 'o',
                'ú' | 'ü' | 'û' => 'u',
                'ç' => 'c',
                'ß' => 's',
                other => other,
            };
            c.is_alphanumeric().then_some(c)
        })
        .collect()
}

pub(crate) fn same(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_and_separators() {
        assert!(same("avancado 1", "Avançado1"));
        assert!(same("lado_esquerdo", "Lado esquerdo"));
        assert!(!same("Iniciante1", "Iniciante2"));
    }
}
