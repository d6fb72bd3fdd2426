
use builtin;
use str;

set edit:completion:arg-completer[crmctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'crmctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'crmctl'= {
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand encrypt 'Encrypt a Salesforce password + security token, or one value, for the Plugin Settings'
            cand decrypt 'Check that an encrypted string decrypts under the key profile (shows only its length)'
            cand keygen 'Create a new random key profile (AES key and IV), readable only by you'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crmctl;encrypt'= {
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --value 'Encrypt one value with no token (for ClientId and ClientSecret)'
            cand --no-token 'The org needs no security token (logins from trusted IP ranges)'
            cand --stdin 'Read the password line and then the token line (or the one value) from stdin'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;decrypt'= {
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --stdin 'Read the encrypted string from stdin'
            cand --check 'Only say whether it decrypts and how many characters it holds (the default)'
            cand --reveal 'Print the decrypted secret on stdout'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;keygen'= {
            cand --out 'Where to write the profile'
            cand --bits 'Key size in bits'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --force 'Replace an existing file'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;completions'= {
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;help'= {
            cand encrypt 'Encrypt a Salesforce password + security token, or one value, for the Plugin Settings'
            cand decrypt 'Check that an encrypted string decrypts under the key profile (shows only its length)'
            cand keygen 'Create a new random key profile (AES key and IV), readable only by you'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crmctl;help;encrypt'= {
        }
        &'crmctl;help;decrypt'= {
        }
        &'crmctl;help;keygen'= {
        }
        &'crmctl;help;completions'= {
        }
        &'crmctl;help;help'= {
        }
    ]
    $completions[$command]
}
