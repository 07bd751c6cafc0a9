impl Stats {
    async fn on_scored(&self, event: Scored) {
        self.total.fetch_add(event.score, Ordering::Relaxed);
    }
}
impl ::wamp_core::__private::HandlerSet for Stats {
    fn subscribe_into<'a>(
        self,
        session: &'a ::wamp_core::__private::Session,
        into: &'a mut ::wamp_core::__private::Subscriptions,
    ) -> ::wamp_core::__private::BoxFuture<
        'a,
        ::wamp_core::__private::Result<(), ::wamp_core::__private::Error>,
    > {
        let this = ::wamp_core::__private::Arc::new(self);
        ::wamp_core::__private::Box::pin(async move {
            {
                let this = ::wamp_core::__private::Clone::clone(&this);
                into.add::<
                        Scored,
                        _,
                        _,
                    >(
                        session,
                        <Scored as ::wamp_core::__private::WampEvent>::TOPIC,
                        ::wamp_core::__private::MatchPolicy::Exact,
                        move |event: Scored, _: ::wamp_core::__private::EventDetails| {
                            let this = ::wamp_core::__private::Clone::clone(&this);
                            async move {
                                ::wamp_core::__private::HandlerOutput::into_outcome(
                                    this.on_scored(event).await,
                                )
                            }
                        },
                    )
                    .await?;
            }
            ::wamp_core::__private::Ok(())
        })
    }
}
