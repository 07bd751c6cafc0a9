//! `wamp-mcp`: the described procedures of a WAMP realm as Model Context Protocol tools, and
//! its described topics as resources, over stdio or Streamable HTTP, with the official Rust MCP
//! SDK (`rmcp`).
//!
//! The bridge joins the realm as a WAMP client and reads every description registered there
//! (`wamp_codegen::fetch::fetch_all`: reflection where the router has it, else the registration
//! meta API). Each procedure becomes a tool ([`tools::ProcedureTool`]): its input schema holds
//! one property per positional argument (named by its title), keyword argument and URI capture;
//! its output schema is `{"result": <the result schema>}` (MCP wants an object); its
//! description is the docs with the declared errors. A WAMP ERROR is a tool error whose content
//! is `{"error": uri, "declared": "Type::Variant: docs" | null, "args", "kwargs"}`. Each topic
//! becomes the resource `wamp:topic/<uri>` holding its latest events ([`topics::Topics`]).
//! The descriptions are read again on a `tools/list` (at most once a second), so a client that
//! lists the tools again sees the services that came and went.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use rmcp::ServiceExt;
//! let session = wamp_core::Client::new("ws://127.0.0.1:8080/ws", "realm1").connect().await?;
//! let bridge = wamp_mcp::Bridge::new(session, Vec::new());
//! bridge.serve(rmcp::transport::stdio()).await?.waiting().await?;
//! # Ok(()) }
//! ```

pub mod http;
pub mod tools;
pub mod topics;

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use wamp_core::Session;

use crate::tools::ProcedureTool;
use crate::topics::Topics;

/// The MCP server: one WAMP session, shared by every MCP session it serves.
#[derive(Debug, Clone)]
pub struct Bridge {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    session: Session,
    /// Only the services whose prefix is one of these (every service when empty).
    prefixes: Vec<String>,
    /// The tools of the last reading, by name.
    tools: RwLock<BTreeMap<String, ProcedureTool>>,
    topics: Topics,
    /// One reading at a time, and when the last one ended.
    reading: tokio::sync::Mutex<Option<Instant>>,
}

/// How old the last reading of the descriptions may be before a `tools/list` reads them again
/// (a client cannot make the bridge call every describe procedure in a loop).
const FRESH: Duration = Duration::from_secs(1);

impl Bridge {
    /// A bridge over `session`, serving the services whose prefix is in `prefixes` (all of
    /// them when it is empty).
    pub fn new(session: Session, prefixes: Vec<String>) -> Self {
        Self {
            shared: Arc::new(Shared {
                session,
                prefixes,
                tools: RwLock::new(BTreeMap::new()),
                topics: Topics::default(),
                reading: tokio::sync::Mutex::new(None),
            }),
        }
    }

    /// Reads the realm's descriptions again: the tools are replaced, new topics are watched.
    /// Answers a warning per procedure or topic left out.
    pub async fn refresh(&self) -> Result<Vec<String>, wamp_codegen::fetch::FetchError> {
        let mut last = self.shared.reading.lock().await;
        let read = self.read_descriptions().await;
        *last = Some(Instant::now());
        read
    }

    async fn read_descriptions(&self) -> Result<Vec<String>, wamp_codegen::fetch::FetchError> {
        let shared = &self.shared;
        let document = wamp_codegen::fetch::fetch_all(&shared.session).await?;
        let mut warnings = Vec::new();
        let mut tools = BTreeMap::new();
        for service in &document.services {
            if !shared.prefixes.is_empty() && !shared.prefixes.contains(&service.prefix) {
                continue;
            }
            for procedure in &service.procedures {
                match ProcedureTool::new(service, procedure) {
                    Ok(tool) => {
                        tools.insert(tool.name().to_owned(), tool);
                    }
                    Err(unserved) => warnings.push(unserved.to_string()),
                }
            }
            warnings.extend(shared.topics.watch(&shared.session, service).await);
        }
        *shared.tools.write().unwrap_or_else(PoisonError::into_inner) = tools;
        Ok(warnings)
    }

    /// The tools of the last reading.
    pub fn tools(&self) -> Vec<rmcp::model::Tool> {
        self.read_tools().values().map(|t| t.tool.clone()).collect()
    }

    fn read_tools(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, ProcedureTool>> {
        self.shared
            .tools
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the descriptions again unless the last reading is fresh, logging what is left
    /// out; a failure keeps the last tools.
    async fn refresh_logged(&self) {
        let mut last = self.shared.reading.lock().await;
        if last.is_some_and(|at| at.elapsed() < FRESH) {
            return;
        }
        let read = self.read_descriptions().await;
        *last = Some(Instant::now());
        drop(last);
        match read {
            Ok(warnings) => {
                for warning in warnings {
                    tracing::warn!("left out: {warning}");
                }
            }
            Err(e) => tracing::warn!("cannot read the realm's descriptions: {e}"),
        }
    }
}

impl ServerHandler for Bridge {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("wamp-mcp", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "The tools are the described procedures of a WAMP realm; a tool error's content is \
             the WAMP error (its URI, and the declared error it is). The resources \
             wamp:topic/<uri> hold the latest events of the described topics.",
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        self.refresh_logged().await;
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let mut tool = self.read_tools().get(request.name.as_ref()).cloned();
        if tool.is_none() {
            self.refresh_logged().await;
            tool = self.read_tools().get(request.name.as_ref()).cloned();
        }
        let Some(tool) = tool else {
            return Err(McpError::invalid_params(
                format!("no tool {}", request.name),
                None,
            ));
        };
        let arguments = request.arguments.unwrap_or_default();
        // A cancelled request drops the call, which cancels it at the dealer.
        tokio::select! {
            result = tool.call(&self.shared.session, arguments) => Ok(result.into()),
            () = context.ct.cancelled() => Err(McpError::invalid_request("cancelled", None)),
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        self.refresh_logged().await;
        Ok(ListResourcesResult::with_all_items(
            self.shared.topics.resources(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        match self.shared.topics.read(&request.uri) {
            Some(contents) => Ok(ReadResourceResult::new(vec![contents]).into()),
            None => Err(McpError::resource_not_found(
                format!("no resource {}", request.uri),
                None,
            )),
        }
    }
}

/// A value of the wire as JSON.
pub(crate) fn to_json(value: &wamp_core::Value) -> serde_json::Value {
    wamp_core::value::from_value(value).unwrap_or(serde_json::Value::Null)
}
