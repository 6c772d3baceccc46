# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_synergai_global_optspecs
    string join \n color= v/verbose log-format= h/help V/version
end

function __fish_synergai_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_synergai_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_synergai_using_subcommand
    set -l cmd (__fish_synergai_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c synergai -n "__fish_synergai_needs_command" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_needs_command" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_needs_command" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_needs_command" -s V -l version -d 'Print version'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "tui" -d 'The interactive dashboard: per-architecture utilization, every job\'s QoS slack, placement triggers and overrides'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "replay" -d 'Replay scenarios under several policies and compare them'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "bound" -d 'A lower bound on QoS violations that no policy can beat (an LP relaxation of the replay\'s model)'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "place" -d 'Placement decisions from the shell: plan, explain, override, release, apply'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "profile" -d 'The offline characterization and the offline plan derived from it'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "fixture" -d 'Validate, generate and import fixtures'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "emulate" -d 'Play a scenario on a Kubernetes API server: create its nodes, create the job pods at their arrival times, and act as the kubelet of those nodes (bound pods run for their predicted time, then succeed)'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "scheduler" -d 'The scheduler inside a cluster (pods with `schedulerName: synergai`)'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c synergai -n "__fish_synergai_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand tui" -s f -l fixture -d 'Scenario to replay, or recording to play back (default: the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l policy -d 'Policy that places the jobs (switch later with `:policy NAME`)' -r -f -a "synergai\t''
slo-energy\t''
edf-rightsize\t''
slo-aware\t''
k8s-default\t''
round-robin\t''
random\t''"
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l speed -d 'Simulated seconds per real second' -r
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l theme -d 'Theme name (dark, light, high-contrast, colorblind, mono, or a user theme) or a theme file' -r
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l record -d 'Record the live session (with --kube) to FILE, a `kind: Recording` fixture that `synergai tui --fixture FILE` plays back' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand tui" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l read-only -l readonly -d 'Disable every action that changes placements'
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l no-mouse -d 'Leave the mouse to the terminal (selecting text): no clicks on tabs, headers and rows, no wheel scrolling'
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l manual -d 'Start in manual mode: jobs wait until a pass is triggered (`p`)'
complete -c synergai -n "__fish_synergai_using_subcommand tui" -s A -l all-namespaces -d 'With --kube, watch the pods of every namespace (as `scheduler run -A` schedules them) instead of one; wins over -n, as in kubectl'
complete -c synergai -n "__fish_synergai_using_subcommand tui" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand tui" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand tui" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l policy -d 'Policies to compare (comma-separated)' -r -f -a "synergai\t''
slo-energy\t''
edf-rightsize\t''
slo-aware\t''
k8s-default\t''
round-robin\t''
random\t''"
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l theta -d 'Knee threshold θ of the offline plan (default: the profile\'s)' -r
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l report -d 'Also write a report into DIR (made if missing): index.html with the summary table and SVG plots per scenario (violations over time, latency CDF, utilization over time, energy, QoS slack CDF). It opens without a network' -r -f -a "(__fish_complete_directories)"
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l jobs -d 'Also write one CSV row per job and policy into FILE.csv (arrival, start, finish, node, configuration, predicted and actual latency, slack, violated). CSV only' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand replay" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l suite -d 'Also replay the fixed generated evaluation suite (24 scenarios, 5–500 nodes, four fleet shapes, tight to loose QoS, loads 0.3–1.5)'
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l no-bound -d 'Skip the lower bound on violations (`synergai bound`) that is otherwise reported beside the policies: bound ≤ optimum ≤ best known'
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l with-overrides -d 'Apply the pins that `place override` recorded for each fixture (in the state directory), as `place apply` does. Without it, recorded overrides are ignored: the policies are compared on the scenario as written'
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l full-replan -d 'Decide every pending job again on every event. By default a held job is decided again only when something it could use changed (capacity on a node it may run on, the node it waits for, its pin, the clock reaching its hold\'s limit); the placements are the same (tested), the full re-plan is the slower reference'
complete -c synergai -n "__fish_synergai_using_subcommand replay" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand replay" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l window-jobs -d 'Jobs per window: jobs are split by arrival and each window\'s LP is solved alone (larger: tighter and slower)' -r
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l slot -d 'Uniform time slots of this length (e.g. 500ms, 2s) instead of slots cut at the jobs\' arrivals and deadlines' -r
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l max-slots -d 'At most this many slots per window with the adaptive grid' -r
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l window-timeout -d 'Stop the solver on one window after this long. The bound stays sound: with HiGHS that window\'s may be weaker, with clarabel it falls back to the window\'s trivial bound' -r
complete -c synergai -n "__fish_synergai_using_subcommand bound" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l suite -d 'Also bound the fixed generated evaluation suite (see `replay --suite`)'
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l always-solve -d 'Solve every window\'s LP, also where a greedy fill of the relaxation already puts every job on time (same bound, slower)'
complete -c synergai -n "__fish_synergai_using_subcommand bound" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand bound" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand bound" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -f -a "plan" -d 'What the policy would decide now for every pending job (recorded overrides applied)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -f -a "explain" -d 'Every candidate node/configuration for one job, with predicted completion and slack, and why the chosen one won'
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -f -a "override" -d 'Pin a job to a node or an architecture'
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -f -a "release" -d 'Remove a job\'s pin'
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -f -a "apply" -d 'Run the replay with the recorded overrides applied and print the bindings made (`replay` ignores overrides unless given --with-overrides)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and not __fish_seen_subcommand_from plan explain override release apply help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -s f -l fixture -d 'Scenario fixture (default: the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l overrides -d 'Overrides file to read and write instead of the fixture\'s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture\'s file name, HASH from its canonical path; default.yaml for the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l profile -d 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l at -d 'Simulated time of the decision (e.g. 120s, 2m, 90000)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l policy -d 'Policy that decides' -r -f -a "synergai\t''
slo-energy\t''
edf-rightsize\t''
slo-aware\t''
k8s-default\t''
round-robin\t''
random\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l mode -d 'auto: jobs were placed as they arrived up to --at; manual: nothing was' -r -f -a "auto\t'Place jobs as they arrive (what `scheduler run --mode auto` does)'
manual\t'Hold every job until a pass is triggered (so `plan` shows the whole backlog)'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -s f -l fixture -d 'Scenario fixture (default: the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l overrides -d 'Overrides file to read and write instead of the fixture\'s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture\'s file name, HASH from its canonical path; default.yaml for the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l profile -d 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l at -d 'Explain the decision at this time instead of the one that placed the job' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l policy -r -f -a "synergai\t''
slo-energy\t''
edf-rightsize\t''
slo-aware\t''
k8s-default\t''
round-robin\t''
random\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -s f -l fixture -d 'Scenario fixture (default: the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l overrides -d 'Overrides file to read and write instead of the fixture\'s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture\'s file name, HASH from its canonical path; default.yaml for the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l profile -d 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l node -d 'Pin to this node' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l arch -d 'Pin to this architecture' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l reason -d 'Why (kept with the override and shown in logs)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -l dry-run -d 'Check and print what would be pinned without writing anything'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from override" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -s f -l fixture -d 'Scenario fixture (default: the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -l overrides -d 'Overrides file to read and write instead of the fixture\'s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture\'s file name, HASH from its canonical path; default.yaml for the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -l profile -d 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -l dry-run -d 'Check and print what would be released without writing anything'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -s f -l fixture -d 'Scenario fixture (default: the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l overrides -d 'Overrides file to read and write instead of the fixture\'s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture\'s file name, HASH from its canonical path; default.yaml for the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l profile -d 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l until -d 'Stop at this simulated time (default: run to the end)' -r
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l policy -r -f -a "synergai\t''
slo-energy\t''
edf-rightsize\t''
slo-aware\t''
k8s-default\t''
round-robin\t''
random\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l dry-run -d 'Print what would be bound without recording anything'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from help" -f -a "plan" -d 'What the policy would decide now for every pending job (recorded overrides applied)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from help" -f -a "explain" -d 'Every candidate node/configuration for one job, with predicted completion and slack, and why the chosen one won'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from help" -f -a "override" -d 'Pin a job to a node or an architecture'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from help" -f -a "release" -d 'Remove a job\'s pin'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Run the replay with the recorded overrides applied and print the bindings made (`replay` ignores overrides unless given --with-overrides)'
complete -c synergai -n "__fish_synergai_using_subcommand place; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -f -a "show" -d 'The characterization table; SOURCE says where each row comes from (measured, derived, estimate, calibrated)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -f -a "calibrate" -d 'Correct a profile from the run times of jobs that ran (a recording): per configuration, the throughput that explains them; prints the prediction error before and after'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -f -a "merge" -d 'Combine per-architecture profiles into one: the union of their architectures, models, rows and provenance. A value two files give differently (a row, an architecture\'s interference α or startup, a model\'s default threads, the knee threshold, a description) is an error naming both files and lines, unless --prefer decides; the same architecture must have the same isa and accelerator, the same model the same task. Exit 2 on a conflict or an invalid profile, 1 when a file cannot be read or written'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -f -a "diff" -d 'What changed from profile A to profile B: architectures, models, rows and provenance entries added, removed or changed, each changed value old → new with its relative change (`-o table` shortens long texts such as descriptions and notes, `-o wide` shows them whole)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -f -a "plan" -d 'The offline plan: best engine per thread count, knee, efficiency, and the ranking of architectures per model'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -f -a "measure" -d 'Characterize this machine: run real inference engines (onnxruntime, tract) on ONNX models at each thread count and write a profile whose rows are `source: measured`. Exit 1 when an engine is not installed (scripts/engines.sh installs it) or a configuration fails; 2 for a bad model file, an unpinned dynamic shape or threads above the cores'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -f -a "measure-one" -d 'One configuration of `measure`, in a child process (internal)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and not __fish_seen_subcommand_from show calibrate merge diff plan measure measure-one help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -l model -d 'Only this model' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -l arch -d 'Only this architecture' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -l provenance -d 'Show how the rows were measured (host, engine versions, tool, date, settings per architecture) instead of the rows'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -l from -d 'A recording (`synergai tui --kube --record FILE`) whose finished jobs give the measured run times' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -l profile -d 'The profile to correct, a file or builtin:NAME [default: the one the recording names]' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -l check -d 'Also report the prediction error on these recordings (e.g. one not calibrated from), before and after' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -l out -d 'Write the calibrated profile here (atomically); without it only the report is printed' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from calibrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from merge" -l prefer -d 'Decide conflicts: `newer` takes the file whose provenance date for the architecture concerned (its latest date, for models and the knee threshold) is later; FILE (one of the inputs) takes that file\'s values' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from merge" -l name -d 'Name of the merged profile (default: the inputs\' common name, else their names joined with `+`)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from merge" -l out -d 'Write the merged profile to FILE (atomically) instead of stdout' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from merge" -s o -l output -d 'YAML, or the same document as JSON (also a valid profile file)' -r -f -a "yaml\t''
json\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from merge" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from merge" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from merge" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from diff" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from diff" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from diff" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from diff" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from diff" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from plan" -l theta -d 'Knee threshold θ (default: the profile\'s)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from plan" -s o -l output -d 'Output format; a list\'s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")' -r -f -a "table\t''
wide\t'A table with more columns'
json\t''
yaml\t''
name\t'The name of each item, one per line'
jsonpath=\t'jsonpath=TEMPLATE: kubectl\'s JSONPath template on the JSON document'
jsonpath-file=\t'jsonpath-file=FILE: the template in a file'
custom-columns=\t'custom-columns=HEADER:PATH,...: one row per item'
custom-columns-file=\t'custom-columns-file=FILE: headers on a first line, paths on a second'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from plan" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from plan" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from plan" -l no-headers -d 'Print tables (and custom columns) without their header row'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l model -d 'A model: NAME=FILE (an ONNX file), or NAME of a model the onnx wheel ships (resnet50, squeezenet, densenet121, inception_v1, inception_v2, shufflenet, vgg19, zfnet512, bvlc_alexnet; installed by scripts/engines.sh). Repeatable; default resnet50' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l shape -d 'Pin a dynamic input: INPUT=1x3x224x224 (repeatable)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l engine -d 'Engines to measure (default: onnxruntime,tract)' -r -f -a "onnxruntime\t''
tract\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l engine-lib -d 'An engine\'s library: onnxruntime=/path/to/libonnxruntime.so (default: ORT_DYLIB_PATH, then ~/.cache/synergai/engines)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l threads -d 'Thread counts (default: powers of two up to the cores)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l duration -d 'How long to run each configuration' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l queries -d 'Run each configuration for this many queries instead of --duration' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l warmup -d 'Queries run before measuring' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l arch -d 'The architecture\'s name (default: derived from the machine, e.g. x86_64-intel)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l power-cmd -d 'A shell command that prints the machine\'s power in watts (when no RAPL or INA3221 sensor is readable)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l out -d 'Write the profile to FILE (atomically) instead of stdout' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l name -d 'Profile name (default: measured-ARCH)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -s o -l output -r -f -a "yaml\t''
json\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l image -d 'The image the measurement pods run (the project\'s, with the engines and models the run names)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l apply -d 'Write the measured rows into the profile ConfigMap the scheduler reads ([NAMESPACE/]NAME, key profile.yaml; default synergai-system/synergai-profile), over the profile already there (measured rows win); the scheduler reloads it without a restart' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l timeout -d 'Give up on the pods after this long (with --kube)' -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -l keep-pods -d 'Keep the measurement pods (their logs) instead of deleting them'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l model -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l file -r -F
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l shape -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l engine -r -f -a "onnxruntime\t''
tract\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l engine-lib -r -F
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l threads -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l duration-ms -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l queries -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l warmup -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l power-cmd -r
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -l power
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from measure-one" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "show" -d 'The characterization table; SOURCE says where each row comes from (measured, derived, estimate, calibrated)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "calibrate" -d 'Correct a profile from the run times of jobs that ran (a recording): per configuration, the throughput that explains them; prints the prediction error before and after'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Combine per-architecture profiles into one: the union of their architectures, models, rows and provenance. A value two files give differently (a row, an architecture\'s interference α or startup, a model\'s default threads, the knee threshold, a description) is an error naming both files and lines, unless --prefer decides; the same architecture must have the same isa and accelerator, the same model the same task. Exit 2 on a conflict or an invalid profile, 1 when a file cannot be read or written'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "diff" -d 'What changed from profile A to profile B: architectures, models, rows and provenance entries added, removed or changed, each changed value old → new with its relative change (`-o table` shortens long texts such as descriptions and notes, `-o wide` shows them whole)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "plan" -d 'The offline plan: best engine per thread count, knee, efficiency, and the ranking of architectures per model'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "measure" -d 'Characterize this machine: run real inference engines (onnxruntime, tract) on ONNX models at each thread count and write a profile whose rows are `source: measured`. Exit 1 when an engine is not installed (scripts/engines.sh installs it) or a configuration fails; 2 for a bad model file, an unpinned dynamic shape or threads above the cores'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "measure-one" -d 'One configuration of `measure`, in a child process (internal)'
complete -c synergai -n "__fish_synergai_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and not __fish_seen_subcommand_from validate generate import-trace help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and not __fish_seen_subcommand_from validate generate import-trace help" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and not __fish_seen_subcommand_from validate generate import-trace help" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and not __fish_seen_subcommand_from validate generate import-trace help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and not __fish_seen_subcommand_from validate generate import-trace help" -f -a "validate" -d 'Check fixtures; exit 2 with file:line:column and field on the first error'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and not __fish_seen_subcommand_from validate generate import-trace help" -f -a "generate" -d 'Write a random valid scenario'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and not __fish_seen_subcommand_from validate generate import-trace help" -f -a "import-trace" -d 'Turn a request trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens) into a scenario whose arrivals and job sizes come from it'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and not __fish_seen_subcommand_from validate generate import-trace help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from validate" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from validate" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l nodes -d 'Number of nodes' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l jobs -d 'Number of jobs' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l seed -d 'Seed of everything random' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l load -d 'Offered load in (0, 10]: the mean arrival rate as a multiple of the cluster\'s capacity for the mix (every job at its offline-plan knee, no interference)' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l shape -d 'How the fleet splits over the architectures' -r -f -a "balanced\t'Edge boards weighted up, as in real edge-to-cloud fleets (xeon-vm : agx-orin : orin-nx : rpi5 = 1 : 1 : 1.5 : 2)'
cloud-heavy\t'Mostly cloud VMs (6 : 0.5 : 0.5 : 1)'
pi-heavy\t'Mostly Raspberry Pis (0.5 : 0.3 : 0.5 : 8)'
gpu-scarce\t'Few GPU boards among VMs and Pis (2 : 0.25 : 0.25 : 4)'"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l qos -d 'How tight the jobs\' QoS is (multiples of each job\'s shortest run: tight 1.2–5, normal 2–30, loose 10–100)' -r -f -a "tight\t'1.2–5× the shortest run: most jobs need a fast configuration'
normal\t'2–30× (the default scenario\'s range)'
loose\t'10–100×: almost any configuration will do'"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l out -d 'Write here instead of stdout' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l out -d 'Write here instead of stdout' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l format -d 'Which trace the CSV is, for the attribution its licence asks for: the Azure LLM inference traces 2023 (Splitwise) or 2024 (DynamoLLM, `_1week`), conversation or coding; `csv` for a trace of no known data set (no attribution). Default: what the file name says (`conv` or `code`, and `1week` or `2024`); a name that says neither is an error' -r -f -a "azure-conv-2023\t''
azure-code-2023\t''
azure-conv-2024\t''
azure-code-2024\t''
csv\t''"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l columns -d 'The header\'s names of the columns holding the timestamp, the context tokens and the generated tokens' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l start -d 'Start of the window, after the trace\'s first request (e.g. 5m)' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l duration -d 'Length of the window, in trace time (e.g. 10m, 1h)' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l time-scale -d 'Multiply the gaps between arrivals by this (2 = half the rate)' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l limit -d 'At most this many jobs (the earliest of the window)' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l nodes-from -d 'Copy the nodes of this scenario (default: 4 xeon-vm, 4 agx-orin, 6 orin-nx, 8 rpi5)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l seed -d 'Seed of the model split and the QoS factors' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l profile -d '`spec.profile` of the scenario: builtin:NAME, or a path relative to the --out file (to the current directory without --out)' -r
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -l reference -d 'Write a scenario that references the CSV (`spec.workload.trace`, streamed into jobs whenever the scenario is loaded) instead of one job per request: for traces whose scenario would pass the 64 MiB limit on fixtures. The CSV is named relative to the --out file (as given, without --out)'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from import-trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check fixtures; exit 2 with file:line:column and field on the first error'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Write a random valid scenario'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from help" -f -a "import-trace" -d 'Turn a request trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens) into a scenario whose arrivals and job sizes come from it'
complete -c synergai -n "__fish_synergai_using_subcommand fixture; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -s f -l fixture -d 'Scenario fixture (default: the embedded default scenario)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l speed -d 'Emulated seconds per wall-clock second. Pods declare queries and qos-ms divided by it; engine startup is not scaled, so 1 is the faithful setting' -r
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -s n -l namespace -d 'Namespace of the job pods (default: the context\'s, else `default`); created if missing' -r
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l timeout -d 'Give up (exit 1) after this long, e.g. 90s or 10m' -r
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l kube -d 'Emulate on a cluster, found as kubectl finds it (--kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account). Required: emulation only exists on a cluster'
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l nodes-only -d 'Create (or update) the nodes, report them ready, and exit'
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -l keep-running -d 'After the scenario\'s jobs, keep the nodes and their kubelet (pods bound to them, container logs) until SIGINT or SIGTERM, as a rehearsal cluster for other commands (e.g. profile measure --kube)'
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand emulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and not __fish_seen_subcommand_from run trigger help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and not __fish_seen_subcommand_from run trigger help" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and not __fish_seen_subcommand_from run trigger help" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and not __fish_seen_subcommand_from run trigger help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and not __fish_seen_subcommand_from run trigger help" -f -a "run" -d 'Watch pending pods with `schedulerName: synergai`, decide, bind'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and not __fish_seen_subcommand_from run trigger help" -f -a "trigger" -d 'Ask a manual-mode scheduler for one placement pass'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and not __fish_seen_subcommand_from run trigger help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l config -d 'A SchedulerConfiguration file (synergai.io/v1alpha1) with any of the settings below; flags given here win over it' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l policy -d 'Policy that decides [default: synergai]' -r -f -a "synergai\t''
slo-energy\t''
edf-rightsize\t''
slo-aware\t''
k8s-default\t''
round-robin\t''
random\t''"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l theta -d 'Knee threshold θ of the offline plan, in (0, 1] [default: the profile\'s kneeThreshold]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l interval -d 'Time between placement passes [default: 100ms]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l profile -d 'Profile: a file, builtin:NAME or configmap:[NAMESPACE/]NAME (key profile.yaml; the namespace defaults to the scheduler\'s); a file or ConfigMap is reloaded when it changes [default: builtin:edge-cloud]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l profile-reload-interval -d 'How often the profile is checked for changes [default: 5s]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l mode -d 'auto: bind as pods arrive; manual: plan, bind only when triggered [default: auto]' -r -f -a "auto\t'Place jobs as they arrive (what `scheduler run --mode auto` does)'
manual\t'Hold every job until a pass is triggered (so `plan` shows the whole backlog)'"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l kube-api-qps -d 'Binds per second to the API server; 0: no client-side limit [default: 100]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l kube-api-burst -d 'Binds that may go at once above --kube-api-qps [default: 200]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l leader-elect -d 'Elect a leader on a Lease before binding (run several replicas for high availability); `--leader-elect=false` for a lone scheduler [default: true]' -r -f -a "true\t''
false\t''"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l leader-elect-lease-duration -d 'How long a standby waits after the holder\'s last renewal [default: 15s]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l leader-elect-renew-deadline -d 'How long the holder tries to renew before it stops binding [default: 10s]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l leader-elect-retry-period -d 'Time between attempts to take or renew the lease [default: 2s]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l leader-elect-resource-name -d 'Name of the Lease [default: synergai-scheduler]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l leader-elect-resource-namespace -d 'Namespace of the Lease [default: the scheduler\'s namespace]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l bind-address -d 'Serve /healthz, /readyz and /metrics (HTTP) on this address; port 0 picks a free one (logged at start) [default: 0.0.0.0:10251]' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -s A -l all-namespaces -d 'Watch pods of every namespace instead of one'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -l full-replan -d 'Decide every pending pod on every pass. By default a held pod is decided again only when capacity changed on a node it could use, the node it waits for changed, its hold ran out of time, or every 60 s; the full re-plan is the reference'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from trigger" -l kubeconfig -d 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)' -r -F
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from trigger" -l context -d 'Kubeconfig context (default: the current one)' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from trigger" -s n -l namespace -d 'Namespace of the jobs (default: the context\'s, in a pod its own)' -r
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from trigger" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from trigger" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from trigger" -l kube -d 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from trigger" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from trigger" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from help" -f -a "run" -d 'Watch pending pods with `schedulerName: synergai`, decide, bind'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from help" -f -a "trigger" -d 'Ask a manual-mode scheduler for one placement pass'
complete -c synergai -n "__fish_synergai_using_subcommand scheduler; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand completions" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c synergai -n "__fish_synergai_using_subcommand completions" -l log-format -d 'How log lines are written (to stderr; the dashboard\'s to its file)' -r -f -a "text\t'`2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`'
json\t'One JSON object per line (timestamp, level, target, fields)'"
complete -c synergai -n "__fish_synergai_using_subcommand completions" -s v -l verbose -d 'More log detail: -v adds debug lines and kube-rs\'s diagnostics, -vv everything (RUST_LOG, when set, decides instead)'
complete -c synergai -n "__fish_synergai_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "tui" -d 'The interactive dashboard: per-architecture utilization, every job\'s QoS slack, placement triggers and overrides'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "replay" -d 'Replay scenarios under several policies and compare them'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "bound" -d 'A lower bound on QoS violations that no policy can beat (an LP relaxation of the replay\'s model)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "place" -d 'Placement decisions from the shell: plan, explain, override, release, apply'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "profile" -d 'The offline characterization and the offline plan derived from it'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "fixture" -d 'Validate, generate and import fixtures'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "emulate" -d 'Play a scenario on a Kubernetes API server: create its nodes, create the job pods at their arrival times, and act as the kubelet of those nodes (bound pods run for their predicted time, then succeed)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "scheduler" -d 'The scheduler inside a cluster (pods with `schedulerName: synergai`)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c synergai -n "__fish_synergai_using_subcommand help; and not __fish_seen_subcommand_from tui replay bound place profile fixture emulate scheduler completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from place" -f -a "plan" -d 'What the policy would decide now for every pending job (recorded overrides applied)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from place" -f -a "explain" -d 'Every candidate node/configuration for one job, with predicted completion and slack, and why the chosen one won'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from place" -f -a "override" -d 'Pin a job to a node or an architecture'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from place" -f -a "release" -d 'Remove a job\'s pin'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from place" -f -a "apply" -d 'Run the replay with the recorded overrides applied and print the bindings made (`replay` ignores overrides unless given --with-overrides)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "show" -d 'The characterization table; SOURCE says where each row comes from (measured, derived, estimate, calibrated)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "calibrate" -d 'Correct a profile from the run times of jobs that ran (a recording): per configuration, the throughput that explains them; prints the prediction error before and after'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "merge" -d 'Combine per-architecture profiles into one: the union of their architectures, models, rows and provenance. A value two files give differently (a row, an architecture\'s interference α or startup, a model\'s default threads, the knee threshold, a description) is an error naming both files and lines, unless --prefer decides; the same architecture must have the same isa and accelerator, the same model the same task. Exit 2 on a conflict or an invalid profile, 1 when a file cannot be read or written'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "diff" -d 'What changed from profile A to profile B: architectures, models, rows and provenance entries added, removed or changed, each changed value old → new with its relative change (`-o table` shortens long texts such as descriptions and notes, `-o wide` shows them whole)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "plan" -d 'The offline plan: best engine per thread count, knee, efficiency, and the ranking of architectures per model'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "measure" -d 'Characterize this machine: run real inference engines (onnxruntime, tract) on ONNX models at each thread count and write a profile whose rows are `source: measured`. Exit 1 when an engine is not installed (scripts/engines.sh installs it) or a configuration fails; 2 for a bad model file, an unpinned dynamic shape or threads above the cores'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "measure-one" -d 'One configuration of `measure`, in a child process (internal)'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from fixture" -f -a "validate" -d 'Check fixtures; exit 2 with file:line:column and field on the first error'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from fixture" -f -a "generate" -d 'Write a random valid scenario'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from fixture" -f -a "import-trace" -d 'Turn a request trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens) into a scenario whose arrivals and job sizes come from it'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from scheduler" -f -a "run" -d 'Watch pending pods with `schedulerName: synergai`, decide, bind'
complete -c synergai -n "__fish_synergai_using_subcommand help; and __fish_seen_subcommand_from scheduler" -f -a "trigger" -d 'Ask a manual-mode scheduler for one placement pass'
