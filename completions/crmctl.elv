
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
            cand validate-settings 'Check UCC Plugin Settings: endpoints, mandatory and encrypted values, shared primary settings'
            cand settings 'Write UCC Plugin Settings files'
            cand login 'Log in as the CRM Service would, and check the API version and screen-pop fields'
            cand lookup 'Show the screen pop an agent would see for a caller''s number, an e-mail or a case'
            cand doctor 'Check the whole chain for each UCC: settings, secrets, endpoints, login, fields, screen pop, call log'
            cand emulate 'Serve an emulated Salesforce org on 127.0.0.1 for tests, demos and CI'
            cand demo 'Walk through encrypt, login and lookups against an emulated org (no Salesforce needed)'
            cand completions 'Print a shell completion script'
            cand rekey 'Re-encrypt every Password, ClientId and ClientSecret of settings files under a new key profile'
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
        &'crmctl;validate-settings'= {
            cand --ucc 'The UCC a CSV export belongs to (YAML estates name their own; refused without a CSV file)'
            cand --attributes 'The PluginAttributes list of the UCC named by --ucc, as a SharePoint CSV export'
            cand --format 'Output: text, json (as --json), junit, sarif or github (workflow-command annotations)'
            cand --probe-timeout 'Seconds to wait for each probe: more than 0, less than 3600 (a probe is one GET; a login''s timeout, which covers its retries too, may be up to a day)'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --strict 'Exit 1 on warnings too'
            cand --fix 'Mend what has one right answer first: a name''s or scope''s capitals, whitespace around a value, ApiEndPoint''s trailing slash (never a secret; only those bytes change)'
            cand --dry-run 'With --fix: print the fixes as a unified diff, write nothing, and report the findings as they would be after them'
            cand --probe 'Also GET each UCC''s CRM settings endpoint and CrmServiceUrl, and report status and latency'
            cand --login 'Also log in once per distinct set of credentials, as `crmctl login` does (needs the key profile)'
            cand --allow-untrusted-login 'With --login: also post credentials to a LoginEndPoint that failed its rules (plain http, not Salesforce)'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;settings'= {
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help'
            cand --help 'Print help'
            cand init 'Ask for a UCC''s settings (secrets hidden), encrypt them, write the YAML and validate it'
            cand set 'Replace one setting''s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service'
            cand export 'Write one UCC''s Plugin Settings as a SharePoint list CSV, or as YAML'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crmctl;settings;init'= {
            cand --out 'Where to write the settings'
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
        &'crmctl;settings;set'= {
            cand --ucc 'The UCC to change (for a CSV export: the UCC it belongs to)'
            cand --value 'The new value of a setting that is not a secret'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --stdin 'Read the secret from stdin: the password line, then the token line (or the one value)'
            cand --no-token 'Password only: the org needs no security token (logins from trusted IP ranges)'
            cand --all-sharing 'Set it in every UCC whose CrmServiceUrl has the same host (they share a CRM Service)'
            cand --dry-run 'Show what would change (fingerprints for secrets); write nothing'
            cand --backup 'Keep each file''s previous contents as FILE.bak (FILE.bak.1, .2, ... when one exists)'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;settings;export'= {
            cand --ucc 'The UCC to export (for a CSV export: the UCC it belongs to)'
            cand --format 'What to write'
            cand --out 'Write here (atomically) instead of stdout'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --force 'Replace an existing --out file'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;settings;help'= {
            cand init 'Ask for a UCC''s settings (secrets hidden), encrypt them, write the YAML and validate it'
            cand set 'Replace one setting''s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service'
            cand export 'Write one UCC''s Plugin Settings as a SharePoint list CSV, or as YAML'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crmctl;settings;help;init'= {
        }
        &'crmctl;settings;help;set'= {
        }
        &'crmctl;settings;help;export'= {
        }
        &'crmctl;settings;help;help'= {
        }
        &'crmctl;login'= {
            cand --settings 'Take LoginEndPoint, Username, ApiEndPoint, ApplicationHost and the encrypted Password, ClientId and ClientSecret from this settings file (YAML estate or CSV export), decrypted with the key profile'
            cand --ucc 'The UCC in --settings whose values to use (needed when the file holds several, and for a CSV export, which does not name its UCC)'
            cand --login-url 'Login host or token URL, as in LoginEndPoint; overrides a settings file''s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]'
            cand --instance-url 'The org''s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer''s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC''s ApplicationHost, else $CRMCTL_INSTANCE_URL]'
            cand --username 'Salesforce username; overrides a settings file''s Username [default: $CRMCTL_USERNAME]'
            cand --api-version 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file''s [default: 60.0]'
            cand --flow 'OAuth flow'
            cand --jwt-key-file '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]'
            cand --client-id '--flow jwt: the Connected App''s consumer key (the assertion''s iss; not a secret, as for `sf org login jwt`); overrides a settings file''s ClientId [default: $CRMCTL_CLIENT_ID]'
            cand --connect-timeout 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]'
            cand --timeout 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]'
            cand --ca-cert 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy''s [default: $CRMCTL_CA_CERT]'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --sandbox 'Log in to a sandbox (https://test.salesforce.com)'
            cand --no-token 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one'
            cand --stdin 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted'
            cand --allow-untrusted-login 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;lookup'= {
            cand --email 'Look up an e-mail address (Contact and Lead e-mail fields)'
            cand --case 'Look up a case by its case number'
            cand --file 'Look up every value of a file (one a line, or a CSV column with --column); - is stdin'
            cand --column 'With --file: the CSV column holding the values'
            cand -j 'With --file: lookups in flight at once (batched: batches in flight)'
            cand --concurrency 'With --file: lookups in flight at once (batched: batches in flight)'
            cand --batch-size 'With --file: numbers or addresses per search, 1 to 200 [default: 100; a search also stops at 4,000 characters, about 60 numbers]; case numbers are looked up one at a time'
            cand --output 'With --file: the format of the result rows on stdout [default: jsonl]; not with --json'
            cand --media 'What kind of interaction the value comes from'
            cand --region 'Country of national numbers, e.g. NL or US [default: $CRMCTL_REGION, else the locale''s]'
            cand --attributes 'With --settings: the UCC''s PluginAttributes list, as a SharePoint CSV export (instead of the plugin_attributes of a YAML estate)'
            cand --model 'Whose screen pop to show: the UCC''s CRM Service as configured, or an 8x8-style search [default: crm-service with --settings, else 8x8]'
            cand --settings 'Take LoginEndPoint, Username, ApiEndPoint, ApplicationHost and the encrypted Password, ClientId and ClientSecret from this settings file (YAML estate or CSV export), decrypted with the key profile'
            cand --ucc 'The UCC in --settings whose values to use (needed when the file holds several, and for a CSV export, which does not name its UCC)'
            cand --login-url 'Login host or token URL, as in LoginEndPoint; overrides a settings file''s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]'
            cand --instance-url 'The org''s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer''s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC''s ApplicationHost, else $CRMCTL_INSTANCE_URL]'
            cand --username 'Salesforce username; overrides a settings file''s Username [default: $CRMCTL_USERNAME]'
            cand --api-version 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file''s [default: 60.0]'
            cand --flow 'OAuth flow'
            cand --jwt-key-file '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]'
            cand --client-id '--flow jwt: the Connected App''s consumer key (the assertion''s iss; not a secret, as for `sf org login jwt`); overrides a settings file''s ClientId [default: $CRMCTL_CLIENT_ID]'
            cand --connect-timeout 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]'
            cand --timeout 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]'
            cand --ca-cert 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy''s [default: $CRMCTL_CA_CERT]'
            cand --direction 'With --log: the interaction''s direction (CallType)'
            cand --duration 'With --log: the interaction''s length (CallDurationInSeconds)'
            cand --interaction-id 'With --log: the contact center''s interaction id (CallObject)'
            cand --disposition 'With --log: the outcome (CallDisposition)'
            cand --comment 'With --log: the agent''s notes (Description)'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --no-batch 'With --file: one search per row, as single lookups do (same as --batch-size 1)'
            cand --index 'With --file: export the org''s phones and addresses (Bulk API 2.0 query jobs, about 15 API calls) and match every row locally; for files larger than the org''s daily API requests allow searching; with --settings add --model 8x8 (the crm-service model is not indexed)'
            cand --timings 'List each round trip and its time'
            cand --sandbox 'Log in to a sandbox (https://test.salesforce.com)'
            cand --no-token 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one'
            cand --stdin 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted'
            cand --allow-untrusted-login 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent'
            cand --log 'After the pop, create the Task the auto log would (call, chat or e-mail log) and print its Id'
            cand --dry-run 'With --log: show the Task that would be created and create nothing'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;doctor'= {
            cand --settings 'Settings files: YAML estates, or CSV exports (each named by a --ucc, in order)'
            cand --ucc 'Check only this UCC (repeatable); also names the UCC of each CSV export, in order'
            cand --probe-timeout 'Seconds to wait for each probe'
            cand --ani 'Look up this caller''s number as the screen pop does (repeatable)'
            cand --email 'Look up this e-mail address as the screen pop does (repeatable)'
            cand --case 'Look up this case number as the screen pop does (repeatable)'
            cand --region 'Country of national numbers given to --ani, e.g. NL or US [default: $CRMCTL_REGION, else the locale''s; with --settings the CRM Service model reads them in DefaultPhoneNumberRegion]'
            cand --format 'Output: text, json (as --json), junit, sarif or github (workflow-command annotations)'
            cand --login-url 'Login host or token URL, as in LoginEndPoint; overrides a settings file''s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]'
            cand --instance-url 'The org''s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer''s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC''s ApplicationHost, else $CRMCTL_INSTANCE_URL]'
            cand --username 'Salesforce username; overrides a settings file''s Username [default: $CRMCTL_USERNAME]'
            cand --api-version 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file''s [default: 60.0]'
            cand --flow 'OAuth flow'
            cand --jwt-key-file '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]'
            cand --client-id '--flow jwt: the Connected App''s consumer key (the assertion''s iss; not a secret, as for `sf org login jwt`); overrides a settings file''s ClientId [default: $CRMCTL_CLIENT_ID]'
            cand --connect-timeout 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]'
            cand --timeout 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]'
            cand --ca-cert 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy''s [default: $CRMCTL_CA_CERT]'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --probe 'Also GET each UCC''s CRM settings endpoint and CrmServiceUrl'
            cand --log-test 'Create the call-log Task that `lookup --log` would, read it back and delete it'
            cand --strict 'Exit 1 on warnings too'
            cand --sandbox 'Log in to a sandbox (https://test.salesforce.com)'
            cand --no-token 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one'
            cand --stdin 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted'
            cand --allow-untrusted-login 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;emulate'= {
            cand --port 'Port of the My Domain (instance) host [default: any free port]'
            cand --login-port 'Port of the login host [default: any free port]'
            cand --data 'Org data (YAML) instead of the built-in demo org'
            cand --ca-dir 'Folder for the CA certificate with --tls [default: a temporary folder]'
            cand --faults 'Faults as YAML (latency_ms, error_rate, token_ttl_requests, request_limit, script, ...)'
            cand --latency-ms 'Add this much latency to every answer'
            cand --connect-latency-ms 'Make each new connection wait this long before its first byte (a slow handshake)'
            cand --error-rate 'Answer this fraction of requests with --error-status (0.0 to 1.0)'
            cand --error-status 'Status of --error-rate answers'
            cand --token-ttl-requests 'Access tokens stop working after this many data calls'
            cand --token-ttl-seconds 'Access tokens stop working after this many seconds'
            cand --request-limit 'Answer REQUEST_LIMIT_EXCEEDED once this many data calls were made'
            cand --fault 'A fault on the Nth request: N:500, N:503, N:html, N:truncate or N:drop (repeatable)'
            cand --synthetic-records 'Add N deterministic Accounts, Contacts and Leads (20/50/30%) to the org'
            cand --bulk-delay-ms 'Time a Bulk API 2.0 job takes from UploadComplete to done [default: the org file''s, else 50]'
            cand --password-flow 'The org-wide "Allow OAuth Username-Password Flows" setting: blocked answers every username-password grant `invalid_grant: authentication failure`, as an org made since Summer ''23 does [default: the org file''s allow_username_password_flow]'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --tls 'Serve HTTPS with a certificate made at start-up (its CA is written to a file)'
            cand --json 'Print one JSON document on stdout (results and errors); never prompts'
            cand -q 'Only print results and errors'
            cand --quiet 'Only print results and errors'
            cand -v 'Print diagnostics on stderr (secrets are never shown)'
            cand --verbose 'Print diagnostics on stderr (secrets are never shown)'
            cand --no-input 'Never prompt; fail with exit code 2 when an input is missing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crmctl;demo'= {
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --keep 'Keep the temporary folder (key profile, settings file) and print its path'
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
        &'crmctl;rekey'= {
            cand --from 'The key profile the values are encrypted with now'
            cand --to 'The key profile to encrypt them with'
            cand --ucc 'The UCC name to report for CSV exports [default: the file name]'
            cand --color 'When to use colour [default: auto, which honours NO_COLOR]'
            cand --key-file 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]'
            cand --dry-run 'Only report what would change; write nothing'
            cand --backup 'Keep each file''s previous contents as FILE.bak (mode 0600; FILE.bak.1, .2, ... when one exists)'
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
            cand validate-settings 'Check UCC Plugin Settings: endpoints, mandatory and encrypted values, shared primary settings'
            cand settings 'Write UCC Plugin Settings files'
            cand login 'Log in as the CRM Service would, and check the API version and screen-pop fields'
            cand lookup 'Show the screen pop an agent would see for a caller''s number, an e-mail or a case'
            cand doctor 'Check the whole chain for each UCC: settings, secrets, endpoints, login, fields, screen pop, call log'
            cand emulate 'Serve an emulated Salesforce org on 127.0.0.1 for tests, demos and CI'
            cand demo 'Walk through encrypt, login and lookups against an emulated org (no Salesforce needed)'
            cand completions 'Print a shell completion script'
            cand rekey 'Re-encrypt every Password, ClientId and ClientSecret of settings files under a new key profile'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crmctl;help;encrypt'= {
        }
        &'crmctl;help;decrypt'= {
        }
        &'crmctl;help;keygen'= {
        }
        &'crmctl;help;validate-settings'= {
        }
        &'crmctl;help;settings'= {
            cand init 'Ask for a UCC''s settings (secrets hidden), encrypt them, write the YAML and validate it'
            cand set 'Replace one setting''s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service'
            cand export 'Write one UCC''s Plugin Settings as a SharePoint list CSV, or as YAML'
        }
        &'crmctl;help;settings;init'= {
        }
        &'crmctl;help;settings;set'= {
        }
        &'crmctl;help;settings;export'= {
        }
        &'crmctl;help;login'= {
        }
        &'crmctl;help;lookup'= {
        }
        &'crmctl;help;doctor'= {
        }
        &'crmctl;help;emulate'= {
        }
        &'crmctl;help;demo'= {
        }
        &'crmctl;help;completions'= {
        }
        &'crmctl;help;rekey'= {
        }
        &'crmctl;help;help'= {
        }
    ]
    $completions[$command]
}
