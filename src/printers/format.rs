//! `-o FORMAT` as kubectl parses it, shared by every command that prints objects.

use crate::error::CliError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFormat {
    /// The default server-side table.
    Table,
    Wide,
    Json,
    Yaml,
    Name,
    JsonPath(String),
    JsonPathAsJson(String),
    CustomColumns(String),
    CustomColumnsFile(String),
    GoTemplate(String),
}

const ALLOWED: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

impl OutputFormat {
    /// `-o` and `--template` together; files named by `*-file` formats are read here.
    pub fn parse(output: Option<&str>, template: Option<&str>) -> Result<OutputFormat, CliError> {
        let Some(output) = output.filter(|o| !o.is_empty()) else {
            return Ok(OutputFormat::Table);
        };
        let (name, arg) = match output.split_once('=') {
            Some((n, a)) => (n, Some(a.to_string()).filter(|a| !a.is_empty())),
            None => (output, None),
        };
        let arg = arg.or_else(|| template.filter(|t| !t.is_empty()).map(String::from));
        let need = |arg: Option<String>| arg.ok_or_else(|| CliError::msg("template format specified but no template given"));
        let read_as = |what: &str, path: String| {
            std::fs::read_to_string(&path)
                .map_err(|e| CliError::msg(format!("error reading {what} {path}, {}", go_io_error(&path, &e))))
        };
        let read = |path: String| read_as("--template", path);
        Ok(match name {
            "wide" => OutputFormat::Wide,
            "json" => OutputFormat::Json,
            "yaml" => OutputFormat::Yaml,
            "name" => OutputFormat::Name,
            "jsonpath" => OutputFormat::JsonPath(need(arg)?),
            "jsonpath-file" => OutputFormat::JsonPath(read(need(arg)?)?),
            "jsonpath-as-json" => OutputFormat::JsonPathAsJson(need(arg)?),
            "custom-columns" => OutputFormat::CustomColumns(
                arg.ok_or_else(|| CliError::msg("custom-columns format specified but no custom columns given"))?,
            ),
            "custom-columns-file" => OutputFormat::CustomColumnsFile(read_as("template", need(arg)?)?),
            "go-template" | "template" => OutputFormat::GoTemplate(need(arg)?),
            "go-template-file" | "templatefile" => OutputFormat::GoTemplate(read(need(arg)?)?),
            other => {
                return Err(CliError::msg(format!(
                    "unable to match a printer suitable for the output format \"{other}\", allowed formats are: {ALLOWED}"
                )))
            }
        })
    }

    pub fn is_table(&self) -> bool {
        matches!(self, OutputFormat::Table | OutputFormat::Wide)
    }
}

/// Go's `*PathError` text (`open PATH: no such file or directory`).
pub fn go_io_error(path: &str, e: &std::io::Error) -> String {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => e.to_string(),
    };
    format!("open {path}: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(OutputFormat::parse(None, None).unwrap(), OutputFormat::Table);
        assert_eq!(OutputFormat::parse(Some("jsonpath={.a}"), None).unwrap(), OutputFormat::JsonPath("{.a}".into()));
        assert_eq!(OutputFormat::parse(Some("template"), Some("{{.a}}")).unwrap(), OutputFormat::GoTemplate("{{.a}}".into()));
        assert!(OutputFormat::parse(Some("jsonpath"), None).unwrap_err().to_string().contains("no template given"));
        assert!(OutputFormat::parse(Some("foo"), None).unwrap_err().to_string().contains("allowed formats are"));
    }
}
