//! `kctl describe`: find the objects (names, name prefixes, `-l`, `-A`,
//! `-f`), fetch what each describer needs concurrently, and print kubectl's
//! descriptions (src/printers/describe).

use futures_util::StreamExt;
use serde_json::Value;

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::targets::{self, Target};
use crate::error::CliError;
use crate::output;
use crate::printers::describe::{self as printer, DescribeContext, Fetched, Need};
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)
    pub args: Vec<String>,
    /// If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub all_namespaces: Option<String>,
    /// Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.
    #[arg(long = "chunk-size", default_value = "500", allow_negative_numbers = true)]
    pub chunk_size: String,
    /// Filename, directory, or URL to files containing the resource to describe
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub recursive: Option<String>,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// If true, display events related to the described object.
    #[arg(long = "show-events", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub show_events: Option<String>,
}

/// How many objects are described at once (each with its own requests).
const CONCURRENT_OBJECTS: usize = 16;

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    // Typed flags parse here, so bad values fail with pflag's wording.
    use crate::commands::create::flags;
    let flags = Flags {
        all_namespaces: flags::parse_bool("describe", "-A, --all-namespaces", args.all_namespaces.as_deref(), false)?,
        recursive: flags::parse_bool("describe", "-R, --recursive", args.recursive.as_deref(), false)?,
        show_events: flags::parse_bool("describe", "--show-events", args.show_events.as_deref(), true)?,
        chunk_size: flags::parse_int("describe", "--chunk-size", &args.chunk_size, 64)?,
    };
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), flags.recursive)?, ..args };
    if args.args.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources."));
    }
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(run_async(&client, settings, &args, &flags))
}

struct Flags {
    all_namespaces: bool,
    recursive: bool,
    show_events: bool,
    chunk_size: i64,
}

struct Opts<'a> {
    namespace: String,
    all_namespaces: bool,
    selector: Option<&'a str>,
    chunk_size: i64,
    show_events: bool,
}

async fn run_async(client: &Client, settings: &Settings, args: &Args, flags: &Flags) -> Result<(), CliError> {
    let opts = Opts {
        namespace: client.config().namespace.clone(),
        all_namespaces: flags.all_namespaces,
        selector: args.selector.as_deref().filter(|s| !s.is_empty()),
        chunk_size: flags.chunk_size,
        show_events: flags.show_events,
    };
    let (resolved, problems) = if args.filename.is_empty() {
        let selection = targets::parse(&args.args)?;
        // The builder's checks, in kubectl's order: these before any lookup…
        match &selection {
            targets::Selection::Pairs(_) if opts.selector.is_some() => {
                return Err(CliError::msg("selectors and the all flag cannot be used when passing resource/name arguments"));
            }
            targets::Selection::Types { names, .. } if !names.is_empty() && opts.selector.is_some() => {
                return Err(CliError::msg("name cannot be provided when a selector is specified"));
            }
            _ => {}
        }
        let resolved = targets::resolve_on_server(client, &settings.cache_dir, &selection).await?;
        // …these once the types are known: a category names several.
        if let targets::Selection::Types { types, names } = &selection {
            if !names.is_empty() && resolved.len() > types.len() {
                return Err(CliError::msg("you must specify only one resource"));
            }
        }
        if opts.all_namespaces && resolved.iter().any(|t| !t.names.is_empty()) {
            return Err(CliError::msg("a resource cannot be retrieved by name across all namespaces"));
        }
        (resolved, Vec::new())
    } else {
        if !args.args.is_empty() {
            return Err(CliError::msg("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well"));
        }
        let items = crate::commands::manifests::read(&args.filename, flags.recursive, false).map_err(|e| crate::commands::get::unprefixed_for_kustomize(e, args.kustomize.is_some()))?;
        targets::from_items(client, &settings.cache_dir, items).await?
    };

    let mut objects = Vec::new();
    let mut errors: Vec<ClientError> = Vec::new();
    for result in futures_util::future::join_all(resolved.iter().map(|t| fetch_target(client, t, &opts))).await {
        let (found, errs) = result?;
        objects.extend(found);
        errors.extend(errs);
    }

    // `describe TYPE NAME` with no such object describes every object whose
    // name starts with NAME, as kubectl does: when the lookup failed with a
    // single NotFound, whatever else was found.
    if args.args.len() == 2 && args.filename.is_empty() && errors.len() == 1 && errors[0].is_not_found() {
        if args.args[0].contains(',') {
            return Err(CliError::msg("you may only specify a single resource type"));
        }
        if resolved.len() != 1 {
            return Err(CliError::msg("you must specify only one resource"));
        }
        let original = errors.pop().unwrap();
        return describe_matching(client, &resolved[0], &args.args[1], &opts, original).await;
    }

    // Printed as each description is ready, in order, as kubectl streams them.
    let mut printed_any = false;
    let mut failures: Vec<String> = Vec::new();
    let mut descriptions = describe_all(client, &objects, &opts);
    while let Some(result) = descriptions.next().await {
        match result {
            Ok(text) => {
                if printed_any {
                    output::print("\n\n");
                }
                output::print(&crate::color::describe(&text));
                printed_any = true;
            }
            // kubectl reports each distinct describer error once.
            Err(e) if !failures.contains(&e) => failures.push(e),
            Err(_) => {}
        }
    }

    if objects.is_empty() && errors.is_empty() && problems.is_empty() {
        output::flush_stdout();
        if opts.all_namespaces {
            eprintln!("No resources found");
        } else {
            eprintln!("No resources found in {} namespace.", opts.namespace);
        }
    }
    report(errors, failures, problems)
}

/// kubectl prints every error after the output, lookup errors first.
fn report(errors: Vec<ClientError>, failures: Vec<String>, problems: Vec<String>) -> Result<(), CliError> {
    let mut lines: Vec<String> = errors.into_iter().map(|e| CliError::from(e).to_string()).collect();
    lines.extend(failures);
    lines.extend(problems);
    if lines.is_empty() {
        return Ok(());
    }
    output::flush_stdout();
    Err(CliError::Raw(lines.join("\n")))
}

fn namespace_for<'a>(t: &'a Target, opts: &'a Opts) -> Option<&'a str> {
    if !t.resource.namespaced {
        return None;
    }
    Some(t.namespace.as_deref().unwrap_or(&opts.namespace))
}

/// The objects a target names or selects, with per-object API errors.
async fn fetch_target(client: &Client, t: &Target, opts: &Opts<'_>) -> Result<(Vec<Value>, Vec<ClientError>), CliError> {
    let r = &t.resource;
    let mut errors = Vec::new();
    if t.names.is_empty() {
        let namespace = if opts.all_namespaces { None } else { namespace_for(t, opts) };
        let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, ..Default::default() }.to_path();
        let mut need = Need::list("", path);
        need.label_selector = opts.selector.map(String::from);
        return match list_all(client, &need, opts.chunk_size).await {
            Ok(items) => Ok((items, errors)),
            Err(e) if e.is_transport() => Err(e.into()),
            Err(e) => {
                errors.push(list_error(t, opts, e));
                Ok((Vec::new(), errors))
            }
        };
    }
    let namespace = namespace_for(t, opts);
    let gets = t.names.iter().map(|name| {
        let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, name: Some(name), ..Default::default() }.to_path();
        async move { client.send(&Request::get(path)).await }
    });
    let mut objects = Vec::new();
    for res in futures_util::future::join_all(gets).await {
        match res {
            Ok(resp) => objects.push(resp.json::<Value>()?),
            Err(e) if e.is_transport() => return Err(e.into()),
            Err(e) if e.is_not_found() && namespace.is_some() => errors.push(missing_namespace(client, namespace.unwrap()).await.unwrap_or(e)),
            Err(e) => errors.push(e),
        }
    }
    Ok((objects, errors))
}

/// kubectl rewords a failed list (400/404) to name the resource and selectors.
fn list_error(t: &Target, opts: &Opts, e: ClientError) -> ClientError {
    match e {
        ClientError::Api { mut status, http_code } if http_code == 400 || http_code == 404 => {
            let r = &t.resource;
            status.message = format!(
                "Unable to find {:?} that match label selector {:?}, field selector \"\": {}",
                format!("{}/{}, Resource={}", r.group, r.version, r.name),
                opts.selector.unwrap_or(""),
                status.message
            );
            ClientError::Api { status, http_code }
        }
        other => other,
    }
}

/// kubectl reports a missing namespace rather than the missing object in it.
async fn missing_namespace(client: &Client, namespace: &str) -> Option<ClientError> {
    let path = ResourcePath { group: "", version: "v1", resource: "namespaces", name: Some(namespace), ..Default::default() }.to_path();
    match client.send(&Request::get(path)).await {
        Err(e) if e.is_not_found() => Some(e),
        _ => None,
    }
}

/// Every page of a list, items typed with the list's kind and apiVersion.
async fn list_all(client: &Client, need: &Need, chunk_size: i64) -> Result<Vec<Value>, ClientError> {
    let mut items = Vec::new();
    let mut cont: Option<String> = None;
    loop {
        let mut req = Request::get(need.path.clone());
        if let Some(s) = &need.label_selector {
            req = req.query("labelSelector", s.clone());
        }
        if let Some(s) = &need.field_selector {
            req = req.query("fieldSelector", s.clone());
        }
        if chunk_size > 0 {
            req = req.query("limit", chunk_size.to_string());
        }
        if let Some(c) = &cont {
            req = req.query("continue", c.clone());
        }
        let mut page: Value = client.send(&req).await?.json()?;
        cont = page["metadata"]["continue"].as_str().filter(|c| !c.is_empty()).map(String::from);
        let kind = page["kind"].as_str().unwrap_or("").trim_end_matches("List").to_string();
        let api_version = page["apiVersion"].as_str().unwrap_or("").to_string();
        if let Some(Value::Array(page_items)) = page.get_mut("items").map(Value::take) {
            for mut it in page_items {
                if let Value::Object(m) = &mut it {
                    m.entry("apiVersion").or_insert_with(|| Value::String(api_version.clone()));
                    m.entry("kind").or_insert_with(|| Value::String(kind.clone()));
                }
                items.push(it);
            }
        }
        if cont.is_none() {
            return Ok(items);
        }
    }
}

async fn answer(client: &Client, need: &Need, chunk_size: i64) -> Fetched {
    let result = if need.list {
        list_all(client, need, chunk_size).await.map(Fetched::Items)
    } else {
        match client.send(&Request::get(need.path.clone())).await {
            Ok(resp) => resp.json().map(Fetched::Object),
            Err(e) => Err(e),
        }
    };
    result.unwrap_or_else(|e| {
        let code = match &e {
            ClientError::Api { http_code, .. } => *http_code,
            ClientError::Http { code, .. } => *code,
            _ => 0,
        };
        Fetched::Failed { code, message: CliError::from(e).to_string() }
    })
}

/// One object's description, its needs fetched concurrently; the error of
/// a failed required need instead.
async fn describe_one(client: &Client, obj: &Value, opts: &Opts<'_>) -> Result<String, String> {
    let needs = printer::needs(obj, opts.show_events);
    let answers = futures_util::future::join_all(needs.iter().map(|n| answer(client, n, opts.chunk_size))).await;
    let mut ctx = DescribeContext::new(opts.show_events);
    for (need, a) in needs.iter().zip(answers) {
        if let (true, Fetched::Failed { message, .. }) = (need.required, &a) {
            return Err(message.clone());
        }
        ctx.insert(need.key, a);
    }
    Ok(printer::describe(obj, &ctx))
}

/// Descriptions in the objects' order, a few objects at a time.
fn describe_all<'a>(client: &'a Client, objects: &'a [Value], opts: &'a Opts<'_>) -> impl futures_util::Stream<Item = Result<String, String>> + 'a {
    futures_util::stream::iter(objects.iter().map(move |o| describe_one(client, o, opts))).buffered(CONCURRENT_OBJECTS)
}

/// kubectl's `DescribeMatchingResources`: every object of the type in the
/// namespace whose name starts with `prefix`, each followed by a blank
/// line; the original error when none does.
async fn describe_matching(client: &Client, t: &Target, prefix: &str, opts: &Opts<'_>, original: ClientError) -> Result<(), CliError> {
    let r = &t.resource;
    let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace_for(t, opts), ..Default::default() }.to_path();
    let items = list_all(client, &Need::list("", path), opts.chunk_size).await?;
    let matching: Vec<Value> = items.into_iter().filter(|o| o["metadata"]["name"].as_str().is_some_and(|n| n.starts_with(prefix))).collect();
    if matching.is_empty() {
        return Err(original.into());
    }
    // kubectl stops at the first describer error here.
    let mut descriptions = describe_all(client, &matching, opts);
    while let Some(result) = descriptions.next().await {
        match result {
            Ok(text) => output::print(&crate::color::describe(&format!("{text}\n"))),
            Err(e) => {
                output::flush_stdout();
                return Err(CliError::Raw(e));
            }
        }
    }
    Ok(())
}
