//! Services ready to register: one trait's procedures, a part of them, or several services at
//! once, registered together and held by one [`ServiceHandle`].

use super::middleware::{layer_procedures, BoxError, Handlers, Layer, Service};
use super::{ServeError, ServiceHandle};
use crate::__private::{register_all, Procedure};
use crate::describe::ServiceDescription;
use crate::session::Session;
use crate::session::{Invocation, Reply};

/// One service's procedures and description, before registering.
struct Part {
    procedures: Vec<Procedure>,
    description: Option<ServiceDescription>,
}

/// The procedures of one or more services, ready to register: `impl.service()` gives one
/// trait's; [`only`](Self::only) keeps some of its methods, [`and`](Self::and) adds another
/// service, and [`serve`](Self::serve) registers them all at once (all or none).
///
/// ```no_run
/// # use wamp_core::wamp_service;
/// #[wamp_service(prefix = "com.example.a")]
/// trait A { async fn one(&self) -> u32; async fn two(&self) -> u32; }
/// #[wamp_service(prefix = "com.example.b")]
/// trait B { async fn three(&self) -> u32; }
/// struct Both;
/// impl A for Both { async fn one(&self) -> u32 { 1 } async fn two(&self) -> u32 { 2 } }
/// impl B for Both { async fn three(&self) -> u32 { 3 } }
/// # async fn demo(session: wamp_core::Session) -> Result<(), wamp_core::typed::ServeError> {
/// let handle = A::service(Both).only(&["one"]).and(B::service(Both)).serve(&session).await?;
/// # Ok(()) }
/// ```
#[must_use = "nothing is registered until `serve`"]
pub struct ServiceBundle {
    parts: Vec<Part>,
    /// Method names given to `only` that no service has.
    unknown: Vec<String>,
}

impl std::fmt::Debug for ServiceBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceBundle")
            .field("procedures", &self.procedures().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ServiceBundle {
    /// One service: its procedures and, unless `None`, the description `<prefix>.describe`
    /// answers (the generated `service()` makes these).
    pub fn new(procedures: Vec<Procedure>, description: Option<ServiceDescription>) -> Self {
        Self {
            parts: vec![Part {
                procedures,
                description,
            }],
            unknown: Vec::new(),
        }
    }

    /// The procedures (or patterns) that `serve` registers, in order.
    pub fn procedures(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .flat_map(|p| p.procedures.iter().map(|(uri, ..)| uri.as_str()))
    }

    /// Keeps only the methods named (by their Rust names); the description served says only
    /// those. A name no method has makes `serve` fail with [`ServeError::NoSuchMethod`].
    pub fn only(mut self, methods: &[&str]) -> Self {
        for name in methods {
            let known = self
                .parts
                .iter()
                .any(|p| p.procedures.iter().any(|(_, o, _)| o.method == *name));
            if !known {
                self.unknown.push((*name).to_owned());
            }
        }
        for part in &mut self.parts {
            part.procedures
                .retain(|(_, options, _)| methods.contains(&options.method));
            if let Some(d) = &mut part.description {
                d.procedures.retain(|p| methods.contains(&p.name.as_str()));
            }
        }
        self
    }

    /// Puts every procedure of the bundle (as it stands: add services with `and` before) behind
    /// `layer`, a `tower::Layer` (see [`crate::typed::middleware`]). One stack serves them
    /// all, so a concurrency limit or a rate holds across the bundle; a layer tells the methods
    /// apart by the [`Method`](super::middleware::Method) extension or the procedure. Called
    /// again, the new layer wraps the earlier: it sees an invocation first. Several layers in
    /// the usual order: pass one `tower::ServiceBuilder`.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Handlers>,
        L::Service: Service<Invocation, Response = Reply> + Clone + Send + Sync + 'static,
        <L::Service as Service<Invocation>>::Error: Into<BoxError>,
        <L::Service as Service<Invocation>>::Future: Send + 'static,
    {
        let counts: Vec<usize> = self.parts.iter().map(|p| p.procedures.len()).collect();
        let all = self
            .parts
            .iter_mut()
            .flat_map(|p| std::mem::take(&mut p.procedures))
            .collect();
        let mut layered = layer_procedures(all, layer).into_iter();
        for (part, count) in self.parts.iter_mut().zip(counts) {
            part.procedures = layered.by_ref().take(count).collect();
        }
        self
    }

    /// Asks the dealer to disclose the caller of every procedure (as `#[wamp(disclose_caller)]`
    /// does for one): what [`RequireRoleLayer`](super::middleware::RequireRoleLayer) needs.
    pub fn disclose_caller(mut self) -> Self {
        for part in &mut self.parts {
            for (_, options, _) in &mut part.procedures {
                options.disclose_caller = true;
            }
        }
        self
    }

    /// Adds the procedures of another service (or bundle).
    pub fn and(mut self, other: ServiceBundle) -> Self {
        self.parts.extend(other.parts);
        self.unknown.extend(other.unknown);
        self
    }

    /// Registers every procedure (and each service's `<prefix>.describe`) at once: if the
    /// router refuses any, those it accepted are unregistered again and the error names every
    /// procedure refused. Dropping the handle unregisters them all.
    pub async fn serve(self, session: &Session) -> Result<ServiceHandle, ServeError> {
        if !self.unknown.is_empty() {
            return Err(ServeError::NoSuchMethod(self.unknown));
        }
        let parts = self
            .parts
            .into_iter()
            .map(|p| (p.procedures, p.description))
            .collect();
        register_all(session, parts).await
    }
}
