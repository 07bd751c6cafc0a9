/// Every score under the game prefix.
#[allow(non_camel_case_types)]
#[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
pub struct on_game;
impl on_game {
    /// The handler's body, callable directly.
    pub async fn handle(event: Scored, details: EventDetails) -> Result<(), String> {
        println!("{}", details.topic);
        Ok(())
    }
}
impl ::wamp_core::__private::HandlerSet for on_game {
    fn subscribe_into<'a>(
        self,
        session: &'a ::wamp_core::__private::Session,
        into: &'a mut ::wamp_core::__private::Subscriptions,
    ) -> ::wamp_core::__private::BoxFuture<
        'a,
        ::wamp_core::__private::Result<(), ::wamp_core::__private::Error>,
    > {
        ::wamp_core::__private::Box::pin(async move {
            into.add::<
                    Scored,
                    _,
                    _,
                >(
                    session,
                    "com.example.game",
                    ::wamp_core::__private::MatchPolicy::Prefix,
                    move |event: Scored, details: ::wamp_core::__private::EventDetails| {
                        async move {
                            ::wamp_core::__private::HandlerOutput::into_outcome(
                                on_game::handle(event, details).await,
                            )
                        }
                    },
                )
                .await?;
            ::wamp_core::__private::Ok(())
        })
    }
}
