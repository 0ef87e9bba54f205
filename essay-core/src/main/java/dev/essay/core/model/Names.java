package dev.essay.core.model;

import java.util.regex.Pattern;

/**
 * The rules for the names essay.yaml gives and every front end accepts: one rule per kind of name, used by the
 * loader, the engine and the Jenkins plugin's form checks (docs/essay-yaml.md, "Names", says the same).
 *
 * <p>Each name reaches a remote shell or a file name: a slot is a directory under {@code venv.prefix}, the
 * {@code ESSAY_SLOT} of the hooks and a word of the nginx include's header comment; a role is written to the ledger;
 * a profile is rendered unquoted into the supervisord command line and the slot's stamp file. So each is ASCII
 * letters, digits and a few punctuation marks that need no quoting, starts with a letter or digit (never {@code -}
 * or {@code .}, which programs read as an option or a hidden or parent path) and is short.
 */
public enum Names {
    /** A slot: {@code a}, {@code b}, {@code blue}. */
    SLOT("slot", "[a-z][a-z0-9]{0,15}", "1 to 16 lower-case letters or digits, starting with a letter (a, b, blue)"),
    /** A role: {@code web}, {@code worker_2}, {@code eu-west}. No dots. */
    ROLE("role", "[A-Za-z0-9][A-Za-z0-9_-]{0,63}",
            "1 to 64 letters, digits, '_' and '-', starting with a letter or digit (web, worker_2, eu-west)"),
    /** A profile: {@code prod}, {@code test}, {@code v1.2}. */
    PROFILE("profile", "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
            "1 to 64 letters, digits, '_', '.' and '-', starting with a letter or digit (prod, test, eu.1)");

    private final String what;
    private final Pattern pattern;
    private final String rule;

    Names(String what, String regex, String rule) {
        this.what = what;
        this.pattern = Pattern.compile(regex);
        this.rule = rule;
    }

    /** Whether {@code name} follows the rule (null never does). */
    public boolean matches(String name) {
        return name != null && pattern.matcher(name).matches();
    }

    /** The rule as a regular expression (whole-string match), as in the JSON Schema of essay.yaml. */
    public String regex() {
        return pattern.pattern();
    }

    /** The rule in words, for messages: {@code 1 to 16 lower-case letters or digits, ...}. */
    public String rule() {
        return rule;
    }

    /** The message for a name that breaks the rule: {@code 'a b' is not a profile name; use 1 to 64 ...}. */
    public String problem(String name) {
        return "'" + name + "' is not a " + what + " name; use " + rule;
    }
}
