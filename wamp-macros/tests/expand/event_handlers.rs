#[event_handlers]
impl Stats {
    #[subscribe]
    async fn on_scored(&self, event: Scored) {
        self.total.fetch_add(event.score, Ordering::Relaxed);
    }
}
