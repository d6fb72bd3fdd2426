
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'crmctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'crmctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'crmctl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a Salesforce password + security token, or one value, for the Plugin Settings')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Check that an encrypted string decrypts under the key profile (shows only its length)')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a new random key profile (AES key and IV), readable only by you')
            [CompletionResult]::new('validate-settings', 'validate-settings', [CompletionResultType]::ParameterValue, 'Check UCC Plugin Settings: endpoints, mandatory and encrypted values, shared primary settings')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Write UCC Plugin Settings files')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in as the CRM Service would, and check the API version and screen-pop fields')
            [CompletionResult]::new('lookup', 'lookup', [CompletionResultType]::ParameterValue, 'Show the screen pop an agent would see for a caller''s number, an e-mail or a case')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the whole chain for each UCC: settings, secrets, endpoints, login, fields, screen pop, call log')
            [CompletionResult]::new('emulate', 'emulate', [CompletionResultType]::ParameterValue, 'Serve an emulated Salesforce org on 127.0.0.1 for tests, demos and CI')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Walk through encrypt, login and lookups against an emulated org (no Salesforce needed)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('rekey', 'rekey', [CompletionResultType]::ParameterValue, 'Re-encrypt every Password, ClientId and ClientSecret of settings files under a new key profile')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crmctl;encrypt' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--value', '--value', [CompletionResultType]::ParameterName, 'Encrypt one value with no token (for ClientId and ClientSecret)')
            [CompletionResult]::new('--no-token', '--no-token', [CompletionResultType]::ParameterName, 'The org needs no security token (logins from trusted IP ranges)')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the password line and then the token line (or the one value) from stdin')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;decrypt' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the encrypted string from stdin')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Only say whether it decrypts and how many characters it holds (the default)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Print the decrypted secret on stdout')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;keygen' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the profile')
            [CompletionResult]::new('--bits', '--bits', [CompletionResultType]::ParameterName, 'Key size in bits')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;validate-settings' {
            [CompletionResult]::new('--ucc', '--ucc', [CompletionResultType]::ParameterName, 'The UCC a CSV export belongs to (YAML estates name their own; refused without a CSV file)')
            [CompletionResult]::new('--attributes', '--attributes', [CompletionResultType]::ParameterName, 'The PluginAttributes list of the UCC named by --ucc, as a SharePoint CSV export')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output: text, json (as --json), junit, sarif or github (workflow-command annotations)')
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each probe: more than 0, less than 3600 (a probe is one GET; a login''s timeout, which covers its retries too, may be up to a day)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 on warnings too')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Mend what has one right answer first: a name''s or scope''s capitals, whitespace around a value, ApiEndPoint''s trailing slash (never a secret; only those bytes change)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With --fix: print the fixes as a unified diff, write nothing, and report the findings as they would be after them')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Also GET each UCC''s CRM settings endpoint and CrmServiceUrl, and report status and latency')
            [CompletionResult]::new('--login', '--login', [CompletionResultType]::ParameterName, 'Also log in once per distinct set of credentials, as `crmctl login` does (needs the key profile)')
            [CompletionResult]::new('--allow-untrusted-login', '--allow-untrusted-login', [CompletionResultType]::ParameterName, 'With --login: also post credentials to a LoginEndPoint that failed its rules (plain http, not Salesforce)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;settings' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Ask for a UCC''s settings (secrets hidden), encrypt them, write the YAML and validate it')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace one setting''s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write one UCC''s Plugin Settings as a SharePoint list CSV, or as YAML')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crmctl;settings;init' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;settings;set' {
            [CompletionResult]::new('--ucc', '--ucc', [CompletionResultType]::ParameterName, 'The UCC to change (for a CSV export: the UCC it belongs to)')
            [CompletionResult]::new('--value', '--value', [CompletionResultType]::ParameterName, 'The new value of a setting that is not a secret')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the secret from stdin: the password line, then the token line (or the one value)')
            [CompletionResult]::new('--no-token', '--no-token', [CompletionResultType]::ParameterName, 'Password only: the org needs no security token (logins from trusted IP ranges)')
            [CompletionResult]::new('--all-sharing', '--all-sharing', [CompletionResultType]::ParameterName, 'Set it in every UCC whose CrmServiceUrl has the same host (they share a CRM Service)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change (fingerprints for secrets); write nothing')
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'Keep each file''s previous contents as FILE.bak (FILE.bak.1, .2, ... when one exists)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;settings;export' {
            [CompletionResult]::new('--ucc', '--ucc', [CompletionResultType]::ParameterName, 'The UCC to export (for a CSV export: the UCC it belongs to)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to write')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write here (atomically) instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing --out file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;settings;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Ask for a UCC''s settings (secrets hidden), encrypt them, write the YAML and validate it')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace one setting''s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write one UCC''s Plugin Settings as a SharePoint list CSV, or as YAML')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crmctl;settings;help;init' {
            break
        }
        'crmctl;settings;help;set' {
            break
        }
        'crmctl;settings;help;export' {
            break
        }
        'crmctl;settings;help;help' {
            break
        }
        'crmctl;login' {
            [CompletionResult]::new('--settings', '--settings', [CompletionResultType]::ParameterName, 'Take LoginEndPoint, Username, ApiEndPoint, ApplicationHost and the encrypted Password, ClientId and ClientSecret from this settings file (YAML estate or CSV export), decrypted with the key profile')
            [CompletionResult]::new('--ucc', '--ucc', [CompletionResultType]::ParameterName, 'The UCC in --settings whose values to use (needed when the file holds several, and for a CSV export, which does not name its UCC)')
            [CompletionResult]::new('--login-url', '--login-url', [CompletionResultType]::ParameterName, 'Login host or token URL, as in LoginEndPoint; overrides a settings file''s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]')
            [CompletionResult]::new('--instance-url', '--instance-url', [CompletionResultType]::ParameterName, 'The org''s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer''s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC''s ApplicationHost, else $CRMCTL_INSTANCE_URL]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Salesforce username; overrides a settings file''s Username [default: $CRMCTL_USERNAME]')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file''s [default: 60.0]')
            [CompletionResult]::new('--flow', '--flow', [CompletionResultType]::ParameterName, 'OAuth flow')
            [CompletionResult]::new('--jwt-key-file', '--jwt-key-file', [CompletionResultType]::ParameterName, '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, '--flow jwt: the Connected App''s consumer key (the assertion''s iss; not a secret, as for `sf org login jwt`); overrides a settings file''s ClientId [default: $CRMCTL_CLIENT_ID]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy''s [default: $CRMCTL_CA_CERT]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Log in to a sandbox (https://test.salesforce.com)')
            [CompletionResult]::new('--no-token', '--no-token', [CompletionResultType]::ParameterName, 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted')
            [CompletionResult]::new('--allow-untrusted-login', '--allow-untrusted-login', [CompletionResultType]::ParameterName, 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;lookup' {
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Look up an e-mail address (Contact and Lead e-mail fields)')
            [CompletionResult]::new('--case', '--case', [CompletionResultType]::ParameterName, 'Look up a case by its case number')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Look up every value of a file (one a line, or a CSV column with --column); - is stdin')
            [CompletionResult]::new('--column', '--column', [CompletionResultType]::ParameterName, 'With --file: the CSV column holding the values')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'With --file: lookups in flight at once (batched: batches in flight)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With --file: lookups in flight at once (batched: batches in flight)')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'With --file: numbers or addresses per search, 1 to 200 [default: 100; a search also stops at 4,000 characters, about 60 numbers]; case numbers are looked up one at a time')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'With --file: the format of the result rows on stdout [default: jsonl]; not with --json')
            [CompletionResult]::new('--media', '--media', [CompletionResultType]::ParameterName, 'What kind of interaction the value comes from')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Country of national numbers, e.g. NL or US [default: $CRMCTL_REGION, else the locale''s]')
            [CompletionResult]::new('--attributes', '--attributes', [CompletionResultType]::ParameterName, 'With --settings: the UCC''s PluginAttributes list, as a SharePoint CSV export (instead of the plugin_attributes of a YAML estate)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Whose screen pop to show: the UCC''s CRM Service as configured, or an 8x8-style search [default: crm-service with --settings, else 8x8]')
            [CompletionResult]::new('--settings', '--settings', [CompletionResultType]::ParameterName, 'Take LoginEndPoint, Username, ApiEndPoint, ApplicationHost and the encrypted Password, ClientId and ClientSecret from this settings file (YAML estate or CSV export), decrypted with the key profile')
            [CompletionResult]::new('--ucc', '--ucc', [CompletionResultType]::ParameterName, 'The UCC in --settings whose values to use (needed when the file holds several, and for a CSV export, which does not name its UCC)')
            [CompletionResult]::new('--login-url', '--login-url', [CompletionResultType]::ParameterName, 'Login host or token URL, as in LoginEndPoint; overrides a settings file''s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]')
            [CompletionResult]::new('--instance-url', '--instance-url', [CompletionResultType]::ParameterName, 'The org''s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer''s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC''s ApplicationHost, else $CRMCTL_INSTANCE_URL]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Salesforce username; overrides a settings file''s Username [default: $CRMCTL_USERNAME]')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file''s [default: 60.0]')
            [CompletionResult]::new('--flow', '--flow', [CompletionResultType]::ParameterName, 'OAuth flow')
            [CompletionResult]::new('--jwt-key-file', '--jwt-key-file', [CompletionResultType]::ParameterName, '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, '--flow jwt: the Connected App''s consumer key (the assertion''s iss; not a secret, as for `sf org login jwt`); overrides a settings file''s ClientId [default: $CRMCTL_CLIENT_ID]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy''s [default: $CRMCTL_CA_CERT]')
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'With --log: the interaction''s direction (CallType)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'With --log: the interaction''s length (CallDurationInSeconds)')
            [CompletionResult]::new('--interaction-id', '--interaction-id', [CompletionResultType]::ParameterName, 'With --log: the contact center''s interaction id (CallObject)')
            [CompletionResult]::new('--disposition', '--disposition', [CompletionResultType]::ParameterName, 'With --log: the outcome (CallDisposition)')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'With --log: the agent''s notes (Description)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--no-batch', '--no-batch', [CompletionResultType]::ParameterName, 'With --file: one search per row, as single lookups do (same as --batch-size 1)')
            [CompletionResult]::new('--index', '--index', [CompletionResultType]::ParameterName, 'With --file: export the org''s phones and addresses (Bulk API 2.0 query jobs, about 15 API calls) and match every row locally; for files larger than the org''s daily API requests allow searching; with --settings add --model 8x8 (the crm-service model is not indexed)')
            [CompletionResult]::new('--timings', '--timings', [CompletionResultType]::ParameterName, 'List each round trip and its time')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Log in to a sandbox (https://test.salesforce.com)')
            [CompletionResult]::new('--no-token', '--no-token', [CompletionResultType]::ParameterName, 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted')
            [CompletionResult]::new('--allow-untrusted-login', '--allow-untrusted-login', [CompletionResultType]::ParameterName, 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'After the pop, create the Task the auto log would (call, chat or e-mail log) and print its Id')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With --log: show the Task that would be created and create nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;doctor' {
            [CompletionResult]::new('--settings', '--settings', [CompletionResultType]::ParameterName, 'Settings files: YAML estates, or CSV exports (each named by a --ucc, in order)')
            [CompletionResult]::new('--ucc', '--ucc', [CompletionResultType]::ParameterName, 'Check only this UCC (repeatable); also names the UCC of each CSV export, in order')
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each probe')
            [CompletionResult]::new('--ani', '--ani', [CompletionResultType]::ParameterName, 'Look up this caller''s number as the screen pop does (repeatable)')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Look up this e-mail address as the screen pop does (repeatable)')
            [CompletionResult]::new('--case', '--case', [CompletionResultType]::ParameterName, 'Look up this case number as the screen pop does (repeatable)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Country of national numbers given to --ani, e.g. NL or US [default: $CRMCTL_REGION, else the locale''s; with --settings the CRM Service model reads them in DefaultPhoneNumberRegion]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output: text, json (as --json), junit, sarif or github (workflow-command annotations)')
            [CompletionResult]::new('--login-url', '--login-url', [CompletionResultType]::ParameterName, 'Login host or token URL, as in LoginEndPoint; overrides a settings file''s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]')
            [CompletionResult]::new('--instance-url', '--instance-url', [CompletionResultType]::ParameterName, 'The org''s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer''s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC''s ApplicationHost, else $CRMCTL_INSTANCE_URL]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Salesforce username; overrides a settings file''s Username [default: $CRMCTL_USERNAME]')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file''s [default: 60.0]')
            [CompletionResult]::new('--flow', '--flow', [CompletionResultType]::ParameterName, 'OAuth flow')
            [CompletionResult]::new('--jwt-key-file', '--jwt-key-file', [CompletionResultType]::ParameterName, '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, '--flow jwt: the Connected App''s consumer key (the assertion''s iss; not a secret, as for `sf org login jwt`); overrides a settings file''s ClientId [default: $CRMCTL_CLIENT_ID]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy''s [default: $CRMCTL_CA_CERT]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Also GET each UCC''s CRM settings endpoint and CrmServiceUrl')
            [CompletionResult]::new('--log-test', '--log-test', [CompletionResultType]::ParameterName, 'Create the call-log Task that `lookup --log` would, read it back and delete it')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 on warnings too')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Log in to a sandbox (https://test.salesforce.com)')
            [CompletionResult]::new('--no-token', '--no-token', [CompletionResultType]::ParameterName, 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted')
            [CompletionResult]::new('--allow-untrusted-login', '--allow-untrusted-login', [CompletionResultType]::ParameterName, 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;emulate' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the My Domain (instance) host [default: any free port]')
            [CompletionResult]::new('--login-port', '--login-port', [CompletionResultType]::ParameterName, 'Port of the login host [default: any free port]')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Org data (YAML) instead of the built-in demo org')
            [CompletionResult]::new('--ca-dir', '--ca-dir', [CompletionResultType]::ParameterName, 'Folder for the CA certificate with --tls [default: a temporary folder]')
            [CompletionResult]::new('--faults', '--faults', [CompletionResultType]::ParameterName, 'Faults as YAML (latency_ms, error_rate, token_ttl_requests, request_limit, script, ...)')
            [CompletionResult]::new('--latency-ms', '--latency-ms', [CompletionResultType]::ParameterName, 'Add this much latency to every answer')
            [CompletionResult]::new('--connect-latency-ms', '--connect-latency-ms', [CompletionResultType]::ParameterName, 'Make each new connection wait this long before its first byte (a slow handshake)')
            [CompletionResult]::new('--error-rate', '--error-rate', [CompletionResultType]::ParameterName, 'Answer this fraction of requests with --error-status (0.0 to 1.0)')
            [CompletionResult]::new('--error-status', '--error-status', [CompletionResultType]::ParameterName, 'Status of --error-rate answers')
            [CompletionResult]::new('--token-ttl-requests', '--token-ttl-requests', [CompletionResultType]::ParameterName, 'Access tokens stop working after this many data calls')
            [CompletionResult]::new('--token-ttl-seconds', '--token-ttl-seconds', [CompletionResultType]::ParameterName, 'Access tokens stop working after this many seconds')
            [CompletionResult]::new('--request-limit', '--request-limit', [CompletionResultType]::ParameterName, 'Answer REQUEST_LIMIT_EXCEEDED once this many data calls were made')
            [CompletionResult]::new('--fault', '--fault', [CompletionResultType]::ParameterName, 'A fault on the Nth request: N:500, N:503, N:html, N:truncate or N:drop (repeatable)')
            [CompletionResult]::new('--synthetic-records', '--synthetic-records', [CompletionResultType]::ParameterName, 'Add N deterministic Accounts, Contacts and Leads (20/50/30%) to the org')
            [CompletionResult]::new('--bulk-delay-ms', '--bulk-delay-ms', [CompletionResultType]::ParameterName, 'Time a Bulk API 2.0 job takes from UploadComplete to done [default: the org file''s, else 50]')
            [CompletionResult]::new('--password-flow', '--password-flow', [CompletionResultType]::ParameterName, 'The org-wide "Allow OAuth Username-Password Flows" setting: blocked answers every username-password grant `invalid_grant: authentication failure`, as an org made since Summer ''23 does [default: the org file''s allow_username_password_flow]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve HTTPS with a certificate made at start-up (its CA is written to a file)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;demo' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep the temporary folder (key profile, settings file) and print its path')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;rekey' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The key profile the values are encrypted with now')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The key profile to encrypt them with')
            [CompletionResult]::new('--ucc', '--ucc', [CompletionResultType]::ParameterName, 'The UCC name to report for CSV exports [default: the file name]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour [default: auto, which honours NO_COLOR]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only report what would change; write nothing')
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'Keep each file''s previous contents as FILE.bak (mode 0600; FILE.bak.1, .2, ... when one exists)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (results and errors); never prompts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr (secrets are never shown)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 when an input is missing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crmctl;help' {
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a Salesforce password + security token, or one value, for the Plugin Settings')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Check that an encrypted string decrypts under the key profile (shows only its length)')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a new random key profile (AES key and IV), readable only by you')
            [CompletionResult]::new('validate-settings', 'validate-settings', [CompletionResultType]::ParameterValue, 'Check UCC Plugin Settings: endpoints, mandatory and encrypted values, shared primary settings')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Write UCC Plugin Settings files')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in as the CRM Service would, and check the API version and screen-pop fields')
            [CompletionResult]::new('lookup', 'lookup', [CompletionResultType]::ParameterValue, 'Show the screen pop an agent would see for a caller''s number, an e-mail or a case')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the whole chain for each UCC: settings, secrets, endpoints, login, fields, screen pop, call log')
            [CompletionResult]::new('emulate', 'emulate', [CompletionResultType]::ParameterValue, 'Serve an emulated Salesforce org on 127.0.0.1 for tests, demos and CI')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Walk through encrypt, login and lookups against an emulated org (no Salesforce needed)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('rekey', 'rekey', [CompletionResultType]::ParameterValue, 'Re-encrypt every Password, ClientId and ClientSecret of settings files under a new key profile')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crmctl;help;encrypt' {
            break
        }
        'crmctl;help;decrypt' {
            break
        }
        'crmctl;help;keygen' {
            break
        }
        'crmctl;help;validate-settings' {
            break
        }
        'crmctl;help;settings' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Ask for a UCC''s settings (secrets hidden), encrypt them, write the YAML and validate it')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace one setting''s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write one UCC''s Plugin Settings as a SharePoint list CSV, or as YAML')
            break
        }
        'crmctl;help;settings;init' {
            break
        }
        'crmctl;help;settings;set' {
            break
        }
        'crmctl;help;settings;export' {
            break
        }
        'crmctl;help;login' {
            break
        }
        'crmctl;help;lookup' {
            break
        }
        'crmctl;help;doctor' {
            break
        }
        'crmctl;help;emulate' {
            break
        }
        'crmctl;help;demo' {
            break
        }
        'crmctl;help;completions' {
            break
        }
        'crmctl;help;rekey' {
            break
        }
        'crmctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
