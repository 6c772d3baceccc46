
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'synergai' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'synergai'
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
        'synergai' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('tui', 'tui', [CompletionResultType]::ParameterValue, 'The interactive dashboard: per-architecture utilization, every job''s QoS slack, placement triggers and overrides')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay scenarios under several policies and compare them')
            [CompletionResult]::new('bound', 'bound', [CompletionResultType]::ParameterValue, 'A lower bound on QoS violations that no policy can beat (an LP relaxation of the replay''s model)')
            [CompletionResult]::new('place', 'place', [CompletionResultType]::ParameterValue, 'Placement decisions from the shell: plan, explain, override, release, apply')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'The offline characterization and the offline plan derived from it')
            [CompletionResult]::new('fixture', 'fixture', [CompletionResultType]::ParameterValue, 'Validate, generate and import fixtures')
            [CompletionResult]::new('emulate', 'emulate', [CompletionResultType]::ParameterValue, 'Play a scenario on a Kubernetes API server: create its nodes, create the job pods at their arrival times, and act as the kubelet of those nodes (bound pods run for their predicted time, then succeed)')
            [CompletionResult]::new('scheduler', 'scheduler', [CompletionResultType]::ParameterValue, 'The scheduler inside a cluster (pods with `schedulerName: synergai`)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;tui' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scenario to replay, or recording to play back (default: the embedded default scenario)')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Scenario to replay, or recording to play back (default: the embedded default scenario)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policy that places the jobs (switch later with `:policy NAME`)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Simulated seconds per real second')
            [CompletionResult]::new('--theme', '--theme', [CompletionResultType]::ParameterName, 'Theme name (dark, light, high-contrast, colorblind, mono, or a user theme) or a theme file')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Record the live session (with --kube) to FILE, a `kind: Recording` fixture that `synergai tui --fixture FILE` plays back')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Disable every action that changes placements')
            [CompletionResult]::new('--readonly', '--readonly', [CompletionResultType]::ParameterName, 'Disable every action that changes placements')
            [CompletionResult]::new('--no-mouse', '--no-mouse', [CompletionResultType]::ParameterName, 'Leave the mouse to the terminal (selecting text): no clicks on tabs, headers and rows, no wheel scrolling')
            [CompletionResult]::new('--manual', '--manual', [CompletionResultType]::ParameterName, 'Start in manual mode: jobs wait until a pass is triggered (`p`)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With --kube, watch the pods of every namespace (as `scheduler run -A` schedules them) instead of one; wins over -n, as in kubectl')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With --kube, watch the pods of every namespace (as `scheduler run -A` schedules them) instead of one; wins over -n, as in kubectl')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;replay' {
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policies to compare (comma-separated)')
            [CompletionResult]::new('--theta', '--theta', [CompletionResultType]::ParameterName, 'Knee threshold θ of the offline plan (default: the profile''s)')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a report into DIR (made if missing): index.html with the summary table and SVG plots per scenario (violations over time, latency CDF, utilization over time, energy, QoS slack CDF). It opens without a network')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Also write one CSV row per job and policy into FILE.csv (arrival, start, finish, node, configuration, predicted and actual latency, slack, violated). CSV only')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--suite', '--suite', [CompletionResultType]::ParameterName, 'Also replay the fixed generated evaluation suite (24 scenarios, 5–500 nodes, four fleet shapes, tight to loose QoS, loads 0.3–1.5)')
            [CompletionResult]::new('--no-bound', '--no-bound', [CompletionResultType]::ParameterName, 'Skip the lower bound on violations (`synergai bound`) that is otherwise reported beside the policies: bound ≤ optimum ≤ best known')
            [CompletionResult]::new('--with-overrides', '--with-overrides', [CompletionResultType]::ParameterName, 'Apply the pins that `place override` recorded for each fixture (in the state directory), as `place apply` does. Without it, recorded overrides are ignored: the policies are compared on the scenario as written')
            [CompletionResult]::new('--full-replan', '--full-replan', [CompletionResultType]::ParameterName, 'Decide every pending job again on every event. By default a held job is decided again only when something it could use changed (capacity on a node it may run on, the node it waits for, its pin, the clock reaching its hold''s limit); the placements are the same (tested), the full re-plan is the slower reference')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;bound' {
            [CompletionResult]::new('--window-jobs', '--window-jobs', [CompletionResultType]::ParameterName, 'Jobs per window: jobs are split by arrival and each window''s LP is solved alone (larger: tighter and slower)')
            [CompletionResult]::new('--slot', '--slot', [CompletionResultType]::ParameterName, 'Uniform time slots of this length (e.g. 500ms, 2s) instead of slots cut at the jobs'' arrivals and deadlines')
            [CompletionResult]::new('--max-slots', '--max-slots', [CompletionResultType]::ParameterName, 'At most this many slots per window with the adaptive grid')
            [CompletionResult]::new('--window-timeout', '--window-timeout', [CompletionResultType]::ParameterName, 'Stop the solver on one window after this long. The bound stays sound: with HiGHS that window''s may be weaker, with clarabel it falls back to the window''s trivial bound')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--suite', '--suite', [CompletionResultType]::ParameterName, 'Also bound the fixed generated evaluation suite (see `replay --suite`)')
            [CompletionResult]::new('--always-solve', '--always-solve', [CompletionResultType]::ParameterName, 'Solve every window''s LP, also where a greedy fill of the relaxation already puts every job on time (same bound, slower)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;place' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What the policy would decide now for every pending job (recorded overrides applied)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Every candidate node/configuration for one job, with predicted completion and slack, and why the chosen one won')
            [CompletionResult]::new('override', 'override', [CompletionResultType]::ParameterValue, 'Pin a job to a node or an architecture')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Remove a job''s pin')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Run the replay with the recorded overrides applied and print the bindings made (`replay` ignores overrides unless given --with-overrides)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;place;plan' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--overrides', '--overrides', [CompletionResultType]::ParameterName, 'Overrides file to read and write instead of the fixture''s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture''s file name, HASH from its canonical path; default.yaml for the embedded default scenario)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Simulated time of the decision (e.g. 120s, 2m, 90000)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policy that decides')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'auto: jobs were placed as they arrived up to --at; manual: nothing was')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;place;explain' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--overrides', '--overrides', [CompletionResultType]::ParameterName, 'Overrides file to read and write instead of the fixture''s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture''s file name, HASH from its canonical path; default.yaml for the embedded default scenario)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Explain the decision at this time instead of the one that placed the job')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'policy')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;place;override' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--overrides', '--overrides', [CompletionResultType]::ParameterName, 'Overrides file to read and write instead of the fixture''s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture''s file name, HASH from its canonical path; default.yaml for the embedded default scenario)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Pin to this node')
            [CompletionResult]::new('--arch', '--arch', [CompletionResultType]::ParameterName, 'Pin to this architecture')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (kept with the override and shown in logs)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check and print what would be pinned without writing anything')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;place;release' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--overrides', '--overrides', [CompletionResultType]::ParameterName, 'Overrides file to read and write instead of the fixture''s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture''s file name, HASH from its canonical path; default.yaml for the embedded default scenario)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check and print what would be released without writing anything')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;place;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--overrides', '--overrides', [CompletionResultType]::ParameterName, 'Overrides file to read and write instead of the fixture''s own, which lives in the state directory: $XDG_STATE_HOME/synergai/overrides/ NAME-HASH.yaml (NAME the fixture''s file name, HASH from its canonical path; default.yaml for the embedded default scenario)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'With --kube, the profile to decide with, named as `scheduler run --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME (key profile.yaml) to decide with the rows the scheduler reads (default: the embedded edge-cloud profile)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Stop at this simulated time (default: run to the end)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'policy')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be bound without recording anything')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;place;help' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What the policy would decide now for every pending job (recorded overrides applied)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Every candidate node/configuration for one job, with predicted completion and slack, and why the chosen one won')
            [CompletionResult]::new('override', 'override', [CompletionResultType]::ParameterValue, 'Pin a job to a node or an architecture')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Remove a job''s pin')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Run the replay with the recorded overrides applied and print the bindings made (`replay` ignores overrides unless given --with-overrides)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;place;help;plan' {
            break
        }
        'synergai;place;help;explain' {
            break
        }
        'synergai;place;help;override' {
            break
        }
        'synergai;place;help;release' {
            break
        }
        'synergai;place;help;apply' {
            break
        }
        'synergai;place;help;help' {
            break
        }
        'synergai;profile' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The characterization table; SOURCE says where each row comes from (measured, derived, estimate, calibrated)')
            [CompletionResult]::new('calibrate', 'calibrate', [CompletionResultType]::ParameterValue, 'Correct a profile from the run times of jobs that ran (a recording): per configuration, the throughput that explains them; prints the prediction error before and after')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine per-architecture profiles into one: the union of their architectures, models, rows and provenance. A value two files give differently (a row, an architecture''s interference α or startup, a model''s default threads, the knee threshold, a description) is an error naming both files and lines, unless --prefer decides; the same architecture must have the same isa and accelerator, the same model the same task. Exit 2 on a conflict or an invalid profile, 1 when a file cannot be read or written')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What changed from profile A to profile B: architectures, models, rows and provenance entries added, removed or changed, each changed value old → new with its relative change (`-o table` shortens long texts such as descriptions and notes, `-o wide` shows them whole)')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'The offline plan: best engine per thread count, knee, efficiency, and the ranking of architectures per model')
            [CompletionResult]::new('measure', 'measure', [CompletionResultType]::ParameterValue, 'Characterize this machine: run real inference engines (onnxruntime, tract) on ONNX models at each thread count and write a profile whose rows are `source: measured`. Exit 1 when an engine is not installed (scripts/engines.sh installs it) or a configuration fails; 2 for a bad model file, an unpinned dynamic shape or threads above the cores')
            [CompletionResult]::new('measure-one', 'measure-one', [CompletionResultType]::ParameterValue, 'One configuration of `measure`, in a child process (internal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;profile;show' {
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only this model')
            [CompletionResult]::new('--arch', '--arch', [CompletionResultType]::ParameterName, 'Only this architecture')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--provenance', '--provenance', [CompletionResultType]::ParameterName, 'Show how the rows were measured (host, engine versions, tool, date, settings per architecture) instead of the rows')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;profile;calibrate' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'A recording (`synergai tui --kube --record FILE`) whose finished jobs give the measured run times')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to correct, a file or builtin:NAME [default: the one the recording names]')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Also report the prediction error on these recordings (e.g. one not calibrated from), before and after')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the calibrated profile here (atomically); without it only the report is printed')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;profile;merge' {
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Decide conflicts: `newer` takes the file whose provenance date for the architecture concerned (its latest date, for models and the knee threshold) is later; FILE (one of the inputs) takes that file''s values')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the merged profile (default: the inputs'' common name, else their names joined with `+`)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the merged profile to FILE (atomically) instead of stdout')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'YAML, or the same document as JSON (also a valid profile file)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'YAML, or the same document as JSON (also a valid profile file)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;profile;diff' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;profile;plan' {
            [CompletionResult]::new('--theta', '--theta', [CompletionResultType]::ParameterName, 'Knee threshold θ (default: the profile''s)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; a list''s items are what `name` and `custom-columns` print one line for (see the README, "Output formats")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables (and custom columns) without their header row')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;profile;measure' {
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'A model: NAME=FILE (an ONNX file), or NAME of a model the onnx wheel ships (resnet50, squeezenet, densenet121, inception_v1, inception_v2, shufflenet, vgg19, zfnet512, bvlc_alexnet; installed by scripts/engines.sh). Repeatable; default resnet50')
            [CompletionResult]::new('--shape', '--shape', [CompletionResultType]::ParameterName, 'Pin a dynamic input: INPUT=1x3x224x224 (repeatable)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Engines to measure (default: onnxruntime,tract)')
            [CompletionResult]::new('--engine-lib', '--engine-lib', [CompletionResultType]::ParameterName, 'An engine''s library: onnxruntime=/path/to/libonnxruntime.so (default: ORT_DYLIB_PATH, then ~/.cache/synergai/engines)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Thread counts (default: powers of two up to the cores)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to run each configuration')
            [CompletionResult]::new('--queries', '--queries', [CompletionResultType]::ParameterName, 'Run each configuration for this many queries instead of --duration')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Queries run before measuring')
            [CompletionResult]::new('--arch', '--arch', [CompletionResultType]::ParameterName, 'The architecture''s name (default: derived from the machine, e.g. x86_64-intel)')
            [CompletionResult]::new('--power-cmd', '--power-cmd', [CompletionResultType]::ParameterName, 'A shell command that prints the machine''s power in watts (when no RAPL or INA3221 sensor is readable)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the profile to FILE (atomically) instead of stdout')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Profile name (default: measured-ARCH)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'The image the measurement pods run (the project''s, with the engines and models the run names)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Write the measured rows into the profile ConfigMap the scheduler reads ([NAMESPACE/]NAME, key profile.yaml; default synergai-system/synergai-profile), over the profile already there (measured rows win); the scheduler reloads it without a restart')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the pods after this long (with --kube)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('--keep-pods', '--keep-pods', [CompletionResultType]::ParameterName, 'Keep the measurement pods (their logs) instead of deleting them')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;profile;measure-one' {
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'model')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'file')
            [CompletionResult]::new('--shape', '--shape', [CompletionResultType]::ParameterName, 'shape')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'engine')
            [CompletionResult]::new('--engine-lib', '--engine-lib', [CompletionResultType]::ParameterName, 'engine-lib')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'threads')
            [CompletionResult]::new('--duration-ms', '--duration-ms', [CompletionResultType]::ParameterName, 'duration-ms')
            [CompletionResult]::new('--queries', '--queries', [CompletionResultType]::ParameterName, 'queries')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'warmup')
            [CompletionResult]::new('--power-cmd', '--power-cmd', [CompletionResultType]::ParameterName, 'power-cmd')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--power', '--power', [CompletionResultType]::ParameterName, 'power')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;profile;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The characterization table; SOURCE says where each row comes from (measured, derived, estimate, calibrated)')
            [CompletionResult]::new('calibrate', 'calibrate', [CompletionResultType]::ParameterValue, 'Correct a profile from the run times of jobs that ran (a recording): per configuration, the throughput that explains them; prints the prediction error before and after')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine per-architecture profiles into one: the union of their architectures, models, rows and provenance. A value two files give differently (a row, an architecture''s interference α or startup, a model''s default threads, the knee threshold, a description) is an error naming both files and lines, unless --prefer decides; the same architecture must have the same isa and accelerator, the same model the same task. Exit 2 on a conflict or an invalid profile, 1 when a file cannot be read or written')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What changed from profile A to profile B: architectures, models, rows and provenance entries added, removed or changed, each changed value old → new with its relative change (`-o table` shortens long texts such as descriptions and notes, `-o wide` shows them whole)')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'The offline plan: best engine per thread count, knee, efficiency, and the ranking of architectures per model')
            [CompletionResult]::new('measure', 'measure', [CompletionResultType]::ParameterValue, 'Characterize this machine: run real inference engines (onnxruntime, tract) on ONNX models at each thread count and write a profile whose rows are `source: measured`. Exit 1 when an engine is not installed (scripts/engines.sh installs it) or a configuration fails; 2 for a bad model file, an unpinned dynamic shape or threads above the cores')
            [CompletionResult]::new('measure-one', 'measure-one', [CompletionResultType]::ParameterValue, 'One configuration of `measure`, in a child process (internal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;profile;help;show' {
            break
        }
        'synergai;profile;help;calibrate' {
            break
        }
        'synergai;profile;help;merge' {
            break
        }
        'synergai;profile;help;diff' {
            break
        }
        'synergai;profile;help;plan' {
            break
        }
        'synergai;profile;help;measure' {
            break
        }
        'synergai;profile;help;measure-one' {
            break
        }
        'synergai;profile;help;help' {
            break
        }
        'synergai;fixture' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check fixtures; exit 2 with file:line:column and field on the first error')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write a random valid scenario')
            [CompletionResult]::new('import-trace', 'import-trace', [CompletionResultType]::ParameterValue, 'Turn a request trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens) into a scenario whose arrivals and job sizes come from it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;fixture;validate' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;fixture;generate' {
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Number of nodes')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Number of jobs')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of everything random')
            [CompletionResult]::new('--load', '--load', [CompletionResultType]::ParameterName, 'Offered load in (0, 10]: the mean arrival rate as a multiple of the cluster''s capacity for the mix (every job at its offline-plan knee, no interference)')
            [CompletionResult]::new('--shape', '--shape', [CompletionResultType]::ParameterName, 'How the fleet splits over the architectures')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'How tight the jobs'' QoS is (multiples of each job''s shortest run: tight 1.2–5, normal 2–30, loose 10–100)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write here instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;fixture;import-trace' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write here instead of stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Which trace the CSV is, for the attribution its licence asks for: the Azure LLM inference traces 2023 (Splitwise) or 2024 (DynamoLLM, `_1week`), conversation or coding; `csv` for a trace of no known data set (no attribution). Default: what the file name says (`conv` or `code`, and `1week` or `2024`); a name that says neither is an error')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'The header''s names of the columns holding the timestamp, the context tokens and the generated tokens')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start of the window, after the trace''s first request (e.g. 5m)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Length of the window, in trace time (e.g. 10m, 1h)')
            [CompletionResult]::new('--time-scale', '--time-scale', [CompletionResultType]::ParameterName, 'Multiply the gaps between arrivals by this (2 = half the rate)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many jobs (the earliest of the window)')
            [CompletionResult]::new('--nodes-from', '--nodes-from', [CompletionResultType]::ParameterName, 'Copy the nodes of this scenario (default: 4 xeon-vm, 4 agx-orin, 6 orin-nx, 8 rpi5)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the model split and the QoS factors')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, '`spec.profile` of the scenario: builtin:NAME, or a path relative to the --out file (to the current directory without --out)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--reference', '--reference', [CompletionResultType]::ParameterName, 'Write a scenario that references the CSV (`spec.workload.trace`, streamed into jobs whenever the scenario is loaded) instead of one job per request: for traces whose scenario would pass the 64 MiB limit on fixtures. The CSV is named relative to the --out file (as given, without --out)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;fixture;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check fixtures; exit 2 with file:line:column and field on the first error')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write a random valid scenario')
            [CompletionResult]::new('import-trace', 'import-trace', [CompletionResultType]::ParameterValue, 'Turn a request trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens) into a scenario whose arrivals and job sizes come from it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;fixture;help;validate' {
            break
        }
        'synergai;fixture;help;generate' {
            break
        }
        'synergai;fixture;help;import-trace' {
            break
        }
        'synergai;fixture;help;help' {
            break
        }
        'synergai;emulate' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Scenario fixture (default: the embedded default scenario)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Emulated seconds per wall-clock second. Pods declare queries and qos-ms divided by it; engine startup is not scaled, so 1 is the faithful setting')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the job pods (default: the context''s, else `default`); created if missing')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the job pods (default: the context''s, else `default`); created if missing')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up (exit 1) after this long, e.g. 90s or 10m')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Emulate on a cluster, found as kubectl finds it (--kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account). Required: emulation only exists on a cluster')
            [CompletionResult]::new('--nodes-only', '--nodes-only', [CompletionResultType]::ParameterName, 'Create (or update) the nodes, report them ready, and exit')
            [CompletionResult]::new('--keep-running', '--keep-running', [CompletionResultType]::ParameterName, 'After the scenario''s jobs, keep the nodes and their kubelet (pods bound to them, container logs) until SIGINT or SIGTERM, as a rehearsal cluster for other commands (e.g. profile measure --kube)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;scheduler' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Watch pending pods with `schedulerName: synergai`, decide, bind')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Ask a manual-mode scheduler for one placement pass')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;scheduler;run' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'A SchedulerConfiguration file (synergai.io/v1alpha1) with any of the settings below; flags given here win over it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policy that decides [default: synergai]')
            [CompletionResult]::new('--theta', '--theta', [CompletionResultType]::ParameterName, 'Knee threshold θ of the offline plan, in (0, 1] [default: the profile''s kneeThreshold]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between placement passes [default: 100ms]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: a file, builtin:NAME or configmap:[NAMESPACE/]NAME (key profile.yaml; the namespace defaults to the scheduler''s); a file or ConfigMap is reloaded when it changes [default: builtin:edge-cloud]')
            [CompletionResult]::new('--profile-reload-interval', '--profile-reload-interval', [CompletionResultType]::ParameterName, 'How often the profile is checked for changes [default: 5s]')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'auto: bind as pods arrive; manual: plan, bind only when triggered [default: auto]')
            [CompletionResult]::new('--kube-api-qps', '--kube-api-qps', [CompletionResultType]::ParameterName, 'Binds per second to the API server; 0: no client-side limit [default: 100]')
            [CompletionResult]::new('--kube-api-burst', '--kube-api-burst', [CompletionResultType]::ParameterName, 'Binds that may go at once above --kube-api-qps [default: 200]')
            [CompletionResult]::new('--leader-elect', '--leader-elect', [CompletionResultType]::ParameterName, 'Elect a leader on a Lease before binding (run several replicas for high availability); `--leader-elect=false` for a lone scheduler [default: true]')
            [CompletionResult]::new('--leader-elect-lease-duration', '--leader-elect-lease-duration', [CompletionResultType]::ParameterName, 'How long a standby waits after the holder''s last renewal [default: 15s]')
            [CompletionResult]::new('--leader-elect-renew-deadline', '--leader-elect-renew-deadline', [CompletionResultType]::ParameterName, 'How long the holder tries to renew before it stops binding [default: 10s]')
            [CompletionResult]::new('--leader-elect-retry-period', '--leader-elect-retry-period', [CompletionResultType]::ParameterName, 'Time between attempts to take or renew the lease [default: 2s]')
            [CompletionResult]::new('--leader-elect-resource-name', '--leader-elect-resource-name', [CompletionResultType]::ParameterName, 'Name of the Lease [default: synergai-scheduler]')
            [CompletionResult]::new('--leader-elect-resource-namespace', '--leader-elect-resource-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Lease [default: the scheduler''s namespace]')
            [CompletionResult]::new('--bind-address', '--bind-address', [CompletionResultType]::ParameterName, 'Serve /healthz, /readyz and /metrics (HTTP) on this address; port 0 picks a free one (logged at start) [default: 0.0.0.0:10251]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Watch pods of every namespace instead of one')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Watch pods of every namespace instead of one')
            [CompletionResult]::new('--full-replan', '--full-replan', [CompletionResultType]::ParameterName, 'Decide every pending pod on every pass. By default a held pod is decided again only when capacity changed on a node it could use, the node it waits for changed, its hold ran out of time, or every 60 s; the full re-plan is the reference')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;scheduler;trigger' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: the current one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the jobs (default: the context''s, in a pod its own)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('--kube', '--kube', [CompletionResultType]::ParameterName, 'Use a cluster, found as kubectl finds it: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;scheduler;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Watch pending pods with `schedulerName: synergai`, decide, bind')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Ask a manual-mode scheduler for one placement pass')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;scheduler;help;run' {
            break
        }
        'synergai;scheduler;help;trigger' {
            break
        }
        'synergai;scheduler;help;help' {
            break
        }
        'synergai;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How log lines are written (to stderr; the dashboard''s to its file)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail: -v adds debug lines and kube-rs''s diagnostics, -vv everything (RUST_LOG, when set, decides instead)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'synergai;help' {
            [CompletionResult]::new('tui', 'tui', [CompletionResultType]::ParameterValue, 'The interactive dashboard: per-architecture utilization, every job''s QoS slack, placement triggers and overrides')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay scenarios under several policies and compare them')
            [CompletionResult]::new('bound', 'bound', [CompletionResultType]::ParameterValue, 'A lower bound on QoS violations that no policy can beat (an LP relaxation of the replay''s model)')
            [CompletionResult]::new('place', 'place', [CompletionResultType]::ParameterValue, 'Placement decisions from the shell: plan, explain, override, release, apply')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'The offline characterization and the offline plan derived from it')
            [CompletionResult]::new('fixture', 'fixture', [CompletionResultType]::ParameterValue, 'Validate, generate and import fixtures')
            [CompletionResult]::new('emulate', 'emulate', [CompletionResultType]::ParameterValue, 'Play a scenario on a Kubernetes API server: create its nodes, create the job pods at their arrival times, and act as the kubelet of those nodes (bound pods run for their predicted time, then succeed)')
            [CompletionResult]::new('scheduler', 'scheduler', [CompletionResultType]::ParameterValue, 'The scheduler inside a cluster (pods with `schedulerName: synergai`)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'synergai;help;tui' {
            break
        }
        'synergai;help;replay' {
            break
        }
        'synergai;help;bound' {
            break
        }
        'synergai;help;place' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What the policy would decide now for every pending job (recorded overrides applied)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Every candidate node/configuration for one job, with predicted completion and slack, and why the chosen one won')
            [CompletionResult]::new('override', 'override', [CompletionResultType]::ParameterValue, 'Pin a job to a node or an architecture')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Remove a job''s pin')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Run the replay with the recorded overrides applied and print the bindings made (`replay` ignores overrides unless given --with-overrides)')
            break
        }
        'synergai;help;place;plan' {
            break
        }
        'synergai;help;place;explain' {
            break
        }
        'synergai;help;place;override' {
            break
        }
        'synergai;help;place;release' {
            break
        }
        'synergai;help;place;apply' {
            break
        }
        'synergai;help;profile' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The characterization table; SOURCE says where each row comes from (measured, derived, estimate, calibrated)')
            [CompletionResult]::new('calibrate', 'calibrate', [CompletionResultType]::ParameterValue, 'Correct a profile from the run times of jobs that ran (a recording): per configuration, the throughput that explains them; prints the prediction error before and after')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine per-architecture profiles into one: the union of their architectures, models, rows and provenance. A value two files give differently (a row, an architecture''s interference α or startup, a model''s default threads, the knee threshold, a description) is an error naming both files and lines, unless --prefer decides; the same architecture must have the same isa and accelerator, the same model the same task. Exit 2 on a conflict or an invalid profile, 1 when a file cannot be read or written')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What changed from profile A to profile B: architectures, models, rows and provenance entries added, removed or changed, each changed value old → new with its relative change (`-o table` shortens long texts such as descriptions and notes, `-o wide` shows them whole)')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'The offline plan: best engine per thread count, knee, efficiency, and the ranking of architectures per model')
            [CompletionResult]::new('measure', 'measure', [CompletionResultType]::ParameterValue, 'Characterize this machine: run real inference engines (onnxruntime, tract) on ONNX models at each thread count and write a profile whose rows are `source: measured`. Exit 1 when an engine is not installed (scripts/engines.sh installs it) or a configuration fails; 2 for a bad model file, an unpinned dynamic shape or threads above the cores')
            [CompletionResult]::new('measure-one', 'measure-one', [CompletionResultType]::ParameterValue, 'One configuration of `measure`, in a child process (internal)')
            break
        }
        'synergai;help;profile;show' {
            break
        }
        'synergai;help;profile;calibrate' {
            break
        }
        'synergai;help;profile;merge' {
            break
        }
        'synergai;help;profile;diff' {
            break
        }
        'synergai;help;profile;plan' {
            break
        }
        'synergai;help;profile;measure' {
            break
        }
        'synergai;help;profile;measure-one' {
            break
        }
        'synergai;help;fixture' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check fixtures; exit 2 with file:line:column and field on the first error')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write a random valid scenario')
            [CompletionResult]::new('import-trace', 'import-trace', [CompletionResultType]::ParameterValue, 'Turn a request trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens) into a scenario whose arrivals and job sizes come from it')
            break
        }
        'synergai;help;fixture;validate' {
            break
        }
        'synergai;help;fixture;generate' {
            break
        }
        'synergai;help;fixture;import-trace' {
            break
        }
        'synergai;help;emulate' {
            break
        }
        'synergai;help;scheduler' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Watch pending pods with `schedulerName: synergai`, decide, bind')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Ask a manual-mode scheduler for one placement pass')
            break
        }
        'synergai;help;scheduler;run' {
            break
        }
        'synergai;help;scheduler;trigger' {
            break
        }
        'synergai;help;completions' {
            break
        }
        'synergai;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
