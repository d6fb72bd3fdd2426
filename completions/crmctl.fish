# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_crmctl_global_optspecs
    string join \n json q/quiet v/verbose color= no-input key-file= h/help V/version
end

function __fish_crmctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_crmctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_crmctl_using_subcommand
    set -l cmd (__fish_crmctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c crmctl -n "__fish_crmctl_needs_command" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_needs_command" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_needs_command" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_needs_command" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_needs_command" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_needs_command" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_needs_command" -s V -l version -d 'Print version'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "encrypt" -d 'Encrypt a Salesforce password + security token, or one value, for the Plugin Settings'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "decrypt" -d 'Check that an encrypted string decrypts under the key profile (shows only its length)'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "keygen" -d 'Create a new random key profile (AES key and IV), readable only by you'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "validate-settings" -d 'Check UCC Plugin Settings: endpoints, mandatory and encrypted values, shared primary settings'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "settings" -d 'Write UCC Plugin Settings files'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "login" -d 'Log in as the CRM Service would, and check the API version and screen-pop fields'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "lookup" -d 'Show the screen pop an agent would see for a caller\'s number, an e-mail or a case'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "doctor" -d 'Check the whole chain for each UCC: settings, secrets, endpoints, login, fields, screen pop, call log'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "emulate" -d 'Serve an emulated Salesforce org on 127.0.0.1 for tests, demos and CI'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "demo" -d 'Walk through encrypt, login and lookups against an emulated org (no Salesforce needed)'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "rekey" -d 'Re-encrypt every Password, ClientId and ClientSecret of settings files under a new key profile'
complete -c crmctl -n "__fish_crmctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -l value -d 'Encrypt one value with no token (for ClientId and ClientSecret)'
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -l no-token -d 'The org needs no security token (logins from trusted IP ranges)'
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -l stdin -d 'Read the password line and then the token line (or the one value) from stdin'
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand encrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -l stdin -d 'Read the encrypted string from stdin'
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -l check -d 'Only say whether it decrypts and how many characters it holds (the default)'
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -l reveal -d 'Print the decrypted secret on stdout'
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand decrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -l out -d 'Where to write the profile' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -l bits -d 'Key size in bits' -r -f -a "128\t''
192\t''
256\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -l force -d 'Replace an existing file'
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l ucc -d 'The UCC a CSV export belongs to (YAML estates name their own; refused without a CSV file)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l attributes -d 'The PluginAttributes list of the UCC named by --ucc, as a SharePoint CSV export' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l format -d 'Output: text, json (as --json), junit, sarif or github (workflow-command annotations)' -r -f -a "text\t'Findings for people'
json\t'The JSON envelope (the same as --json)'
junit\t'JUnit XML: a testsuite per UCC, a testcase per rule or step'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'
github\t'GitHub Actions workflow commands (::error/::warning annotations)'"
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l probe-timeout -d 'Seconds to wait for each probe: more than 0, less than 3600 (a probe is one GET; a login\'s timeout, which covers its retries too, may be up to a day)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l strict -d 'Exit 1 on warnings too'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l fix -d 'Mend what has one right answer first: a name\'s or scope\'s capitals, whitespace around a value, ApiEndPoint\'s trailing slash (never a secret; only those bytes change)'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l dry-run -d 'With --fix: print the fixes as a unified diff, write nothing, and report the findings as they would be after them'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l probe -d 'Also GET each UCC\'s CRM settings endpoint and CrmServiceUrl, and report status and latency'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l login -d 'Also log in once per distinct set of credentials, as `crmctl login` does (needs the key profile)'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l allow-untrusted-login -d 'With --login: also post credentials to a LoginEndPoint that failed its rules (plain http, not Salesforce)'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand validate-settings" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -s h -l help -d 'Print help'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -f -a "init" -d 'Ask for a UCC\'s settings (secrets hidden), encrypt them, write the YAML and validate it'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -f -a "set" -d 'Replace one setting\'s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -f -a "export" -d 'Write one UCC\'s Plugin Settings as a SharePoint list CSV, or as YAML'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and not __fish_seen_subcommand_from init set export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -l out -d 'Where to write the settings' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -l force -d 'Replace an existing file'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l ucc -d 'The UCC to change (for a CSV export: the UCC it belongs to)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l value -d 'The new value of a setting that is not a secret' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l stdin -d 'Read the secret from stdin: the password line, then the token line (or the one value)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l no-token -d 'Password only: the org needs no security token (logins from trusted IP ranges)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l all-sharing -d 'Set it in every UCC whose CrmServiceUrl has the same host (they share a CRM Service)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l dry-run -d 'Show what would change (fingerprints for secrets); write nothing'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l backup -d 'Keep each file\'s previous contents as FILE.bak (FILE.bak.1, .2, ... when one exists)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -l ucc -d 'The UCC to export (for a CSV export: the UCC it belongs to)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -l format -d 'What to write' -r -f -a "sharepoint-csv\t'The list as SharePoint exports and imports it: Title,Value,Scope, comma, UTF-8 BOM, CRLF'
yaml\t'A YAML estate of that one UCC, as validate-settings and settings set read it'"
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -l out -d 'Write here (atomically) instead of stdout' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -l force -d 'Replace an existing --out file'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "init" -d 'Ask for a UCC\'s settings (secrets hidden), encrypt them, write the YAML and validate it'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "set" -d 'Replace one setting\'s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write one UCC\'s Plugin Settings as a SharePoint list CSV, or as YAML'
complete -c crmctl -n "__fish_crmctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l settings -d 'Take LoginEndPoint, Username, ApiEndPoint, ApplicationHost and the encrypted Password, ClientId and ClientSecret from this settings file (YAML estate or CSV export), decrypted with the key profile' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l ucc -d 'The UCC in --settings whose values to use (needed when the file holds several, and for a CSV export, which does not name its UCC)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l login-url -d 'Login host or token URL, as in LoginEndPoint; overrides a settings file\'s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]' -r -f
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l instance-url -d 'The org\'s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer\'s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC\'s ApplicationHost, else $CRMCTL_INSTANCE_URL]' -r -f
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l username -d 'Salesforce username; overrides a settings file\'s Username [default: $CRMCTL_USERNAME]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l api-version -d 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file\'s [default: 60.0]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l flow -d 'OAuth flow' -r -f -a "password\t'Username, password + security token, client id and secret (what the CRM Service does)'
client-credentials\t'Client id and secret only, on the org\'s My Domain host (Salesforce\'s successor flow)'
jwt\t'JWT bearer: an RS256 assertion for --username signed with --jwt-key-file; no password or secret'"
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l jwt-key-file -d '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l client-id -d '--flow jwt: the Connected App\'s consumer key (the assertion\'s iss; not a secret, as for `sf org login jwt`); overrides a settings file\'s ClientId [default: $CRMCTL_CLIENT_ID]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l connect-timeout -d 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l timeout -d 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l ca-cert -d 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy\'s [default: $CRMCTL_CA_CERT]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l sandbox -d 'Log in to a sandbox (https://test.salesforce.com)'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l no-token -d 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l stdin -d 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l allow-untrusted-login -d 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l email -d 'Look up an e-mail address (Contact and Lead e-mail fields)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l case -d 'Look up a case by its case number' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l file -d 'Look up every value of a file (one a line, or a CSV column with --column); - is stdin' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l column -d 'With --file: the CSV column holding the values' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -s j -l concurrency -d 'With --file: lookups in flight at once (batched: batches in flight)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l batch-size -d 'With --file: numbers or addresses per search, 1 to 200 [default: 100; a search also stops at 4,000 characters, about 60 numbers]; case numbers are looked up one at a time' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l output -d 'With --file: the format of the result rows on stdout [default: jsonl]; not with --json' -r -f -a "jsonl\t'One JSON object a line'
csv\t'A header, then one row a line'"
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l media -d 'What kind of interaction the value comes from' -r -f -a "phone\t'Caller\'s number (ANI)'
voicemail\t'Caller\'s number (ANI), as for phone'
chat\t'Case number'
email\t'E-mail address'"
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l region -d 'Country of national numbers, e.g. NL or US [default: $CRMCTL_REGION, else the locale\'s]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l attributes -d 'With --settings: the UCC\'s PluginAttributes list, as a SharePoint CSV export (instead of the plugin_attributes of a YAML estate)' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l model -d 'Whose screen pop to show: the UCC\'s CRM Service as configured, or an 8x8-style search [default: crm-service with --settings, else 8x8]' -r -f -a "crm-service\t'As the UCC\'s CRM Service is configured: Contacts, then Leads, found as its PhoneNumberFormat says (the default with --settings)'
8x8\t'As an 8x8-style integration: Account, Contact and Lead over every phone form (the default without --settings)'"
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l settings -d 'Take LoginEndPoint, Username, ApiEndPoint, ApplicationHost and the encrypted Password, ClientId and ClientSecret from this settings file (YAML estate or CSV export), decrypted with the key profile' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l ucc -d 'The UCC in --settings whose values to use (needed when the file holds several, and for a CSV export, which does not name its UCC)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l login-url -d 'Login host or token URL, as in LoginEndPoint; overrides a settings file\'s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]' -r -f
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l instance-url -d 'The org\'s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer\'s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC\'s ApplicationHost, else $CRMCTL_INSTANCE_URL]' -r -f
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l username -d 'Salesforce username; overrides a settings file\'s Username [default: $CRMCTL_USERNAME]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l api-version -d 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file\'s [default: 60.0]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l flow -d 'OAuth flow' -r -f -a "password\t'Username, password + security token, client id and secret (what the CRM Service does)'
client-credentials\t'Client id and secret only, on the org\'s My Domain host (Salesforce\'s successor flow)'
jwt\t'JWT bearer: an RS256 assertion for --username signed with --jwt-key-file; no password or secret'"
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l jwt-key-file -d '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l client-id -d '--flow jwt: the Connected App\'s consumer key (the assertion\'s iss; not a secret, as for `sf org login jwt`); overrides a settings file\'s ClientId [default: $CRMCTL_CLIENT_ID]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l connect-timeout -d 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l timeout -d 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l ca-cert -d 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy\'s [default: $CRMCTL_CA_CERT]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l direction -d 'With --log: the interaction\'s direction (CallType)' -r -f -a "inbound\t'The customer called, chatted or wrote (logged to the popped record)'
outbound\t'The agent called or wrote (an independent task)'"
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l duration -d 'With --log: the interaction\'s length (CallDurationInSeconds)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l interaction-id -d 'With --log: the contact center\'s interaction id (CallObject)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l disposition -d 'With --log: the outcome (CallDisposition)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l comment -d 'With --log: the agent\'s notes (Description)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l no-batch -d 'With --file: one search per row, as single lookups do (same as --batch-size 1)'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l index -d 'With --file: export the org\'s phones and addresses (Bulk API 2.0 query jobs, about 15 API calls) and match every row locally; for files larger than the org\'s daily API requests allow searching; with --settings add --model 8x8 (the crm-service model is not indexed)'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l timings -d 'List each round trip and its time'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l sandbox -d 'Log in to a sandbox (https://test.salesforce.com)'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l no-token -d 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l stdin -d 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l allow-untrusted-login -d 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l log -d 'After the pop, create the Task the auto log would (call, chat or e-mail log) and print its Id'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l dry-run -d 'With --log: show the Task that would be created and create nothing'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand lookup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l settings -d 'Settings files: YAML estates, or CSV exports (each named by a --ucc, in order)' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l ucc -d 'Check only this UCC (repeatable); also names the UCC of each CSV export, in order' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l probe-timeout -d 'Seconds to wait for each probe' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l ani -d 'Look up this caller\'s number as the screen pop does (repeatable)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l email -d 'Look up this e-mail address as the screen pop does (repeatable)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l case -d 'Look up this case number as the screen pop does (repeatable)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l region -d 'Country of national numbers given to --ani, e.g. NL or US [default: $CRMCTL_REGION, else the locale\'s; with --settings the CRM Service model reads them in DefaultPhoneNumberRegion]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l format -d 'Output: text, json (as --json), junit, sarif or github (workflow-command annotations)' -r -f -a "text\t'Findings for people'
json\t'The JSON envelope (the same as --json)'
junit\t'JUnit XML: a testsuite per UCC, a testcase per rule or step'
sarif\t'SARIF 2.1.0, for code-scanning dashboards'
github\t'GitHub Actions workflow commands (::error/::warning annotations)'"
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l login-url -d 'Login host or token URL, as in LoginEndPoint; overrides a settings file\'s [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]' -r -f
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l instance-url -d 'The org\'s URL, as in ApplicationHost, when the login URL is another host: its connection is opened while the token request is in flight (a GET of /services/data/, which carries no credential), saving a handshake. Only a hint: the token answer\'s instance_url is the URL used, and an https login never opens a plain-http hint [default: the UCC\'s ApplicationHost, else $CRMCTL_INSTANCE_URL]' -r -f
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l username -d 'Salesforce username; overrides a settings file\'s Username [default: $CRMCTL_USERNAME]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l api-version -d 'REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file\'s [default: 60.0]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l flow -d 'OAuth flow' -r -f -a "password\t'Username, password + security token, client id and secret (what the CRM Service does)'
client-credentials\t'Client id and secret only, on the org\'s My Domain host (Salesforce\'s successor flow)'
jwt\t'JWT bearer: an RS256 assertion for --username signed with --jwt-key-file; no password or secret'"
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l jwt-key-file -d '--flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l client-id -d '--flow jwt: the Connected App\'s consumer key (the assertion\'s iss; not a secret, as for `sf org login jwt`); overrides a settings file\'s ClientId [default: $CRMCTL_CLIENT_ID]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l connect-timeout -d 'Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l timeout -d 'Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l ca-cert -d 'Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy\'s [default: $CRMCTL_CA_CERT]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l probe -d 'Also GET each UCC\'s CRM settings endpoint and CrmServiceUrl'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l log-test -d 'Create the call-log Task that `lookup --log` would, read it back and delete it'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l strict -d 'Exit 1 on warnings too'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l sandbox -d 'Log in to a sandbox (https://test.salesforce.com)'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l no-token -d 'The org needs no security token (logins from trusted IP ranges); not with --settings, whose Password holds the password and the token as one'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l stdin -d 'Read secrets from stdin, one a line: password, token, client id, client secret (client id and secret only with --flow client-credentials; client id only with --flow jwt); not with --settings, which holds them encrypted'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l allow-untrusted-login -d 'Send the credentials to a login URL crmctl does not trust with them: a LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is neither https on Salesforce nor a test org on this machine, or a --login-url or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a login is refused (exit 3; 2 for a flag) before anything is sent'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l port -d 'Port of the My Domain (instance) host [default: any free port]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l login-port -d 'Port of the login host [default: any free port]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l data -d 'Org data (YAML) instead of the built-in demo org' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l ca-dir -d 'Folder for the CA certificate with --tls [default: a temporary folder]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l faults -d 'Faults as YAML (latency_ms, error_rate, token_ttl_requests, request_limit, script, ...)' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l latency-ms -d 'Add this much latency to every answer' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l connect-latency-ms -d 'Make each new connection wait this long before its first byte (a slow handshake)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l error-rate -d 'Answer this fraction of requests with --error-status (0.0 to 1.0)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l error-status -d 'Status of --error-rate answers' -r -f -a "500\t''
503\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l token-ttl-requests -d 'Access tokens stop working after this many data calls' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l token-ttl-seconds -d 'Access tokens stop working after this many seconds' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l request-limit -d 'Answer REQUEST_LIMIT_EXCEEDED once this many data calls were made' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l fault -d 'A fault on the Nth request: N:500, N:503, N:html, N:truncate or N:drop (repeatable)' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l synthetic-records -d 'Add N deterministic Accounts, Contacts and Leads (20/50/30%) to the org' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l bulk-delay-ms -d 'Time a Bulk API 2.0 job takes from UploadComplete to done [default: the org file\'s, else 50]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l password-flow -d 'The org-wide "Allow OAuth Username-Password Flows" setting: blocked answers every username-password grant `invalid_grant: authentication failure`, as an org made since Summer \'23 does [default: the org file\'s allow_username_password_flow]' -r -f -a "allowed\t'The flow logs in (orgs created before Summer \'23, unless an admin blocked it)'
blocked\t'Setup > OAuth and OpenID Connect Settings has the flow switched off'"
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l tls -d 'Serve HTTPS with a certificate made at start-up (its CA is written to a file)'
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand emulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand demo" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand demo" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand demo" -l keep -d 'Keep the temporary folder (key profile, settings file) and print its path'
complete -c crmctl -n "__fish_crmctl_using_subcommand demo" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand demo" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand demo" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand demo" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand completions" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand completions" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand completions" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand completions" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand completions" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand completions" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l from -d 'The key profile the values are encrypted with now' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l to -d 'The key profile to encrypt them with' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l ucc -d 'The UCC name to report for CSV exports [default: the file name]' -r
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l color -d 'When to use colour [default: auto, which honours NO_COLOR]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l key-file -d 'Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]' -r -F
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l dry-run -d 'Only report what would change; write nothing'
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l backup -d 'Keep each file\'s previous contents as FILE.bak (mode 0600; FILE.bak.1, .2, ... when one exists)'
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l json -d 'Print one JSON document on stdout (results and errors); never prompts'
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -s q -l quiet -d 'Only print results and errors'
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -s v -l verbose -d 'Print diagnostics on stderr (secrets are never shown)'
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -l no-input -d 'Never prompt; fail with exit code 2 when an input is missing'
complete -c crmctl -n "__fish_crmctl_using_subcommand rekey" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "encrypt" -d 'Encrypt a Salesforce password + security token, or one value, for the Plugin Settings'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "decrypt" -d 'Check that an encrypted string decrypts under the key profile (shows only its length)'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "keygen" -d 'Create a new random key profile (AES key and IV), readable only by you'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "validate-settings" -d 'Check UCC Plugin Settings: endpoints, mandatory and encrypted values, shared primary settings'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "settings" -d 'Write UCC Plugin Settings files'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "login" -d 'Log in as the CRM Service would, and check the API version and screen-pop fields'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "lookup" -d 'Show the screen pop an agent would see for a caller\'s number, an e-mail or a case'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "doctor" -d 'Check the whole chain for each UCC: settings, secrets, endpoints, login, fields, screen pop, call log'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "emulate" -d 'Serve an emulated Salesforce org on 127.0.0.1 for tests, demos and CI'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "demo" -d 'Walk through encrypt, login and lookups against an emulated org (no Salesforce needed)'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "completions" -d 'Print a shell completion script'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "rekey" -d 'Re-encrypt every Password, ClientId and ClientSecret of settings files under a new key profile'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt keygen validate-settings settings login lookup doctor emulate demo completions rekey help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "init" -d 'Ask for a UCC\'s settings (secrets hidden), encrypt them, write the YAML and validate it'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "set" -d 'Replace one setting\'s value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service'
complete -c crmctl -n "__fish_crmctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "export" -d 'Write one UCC\'s Plugin Settings as a SharePoint list CSV, or as YAML'
