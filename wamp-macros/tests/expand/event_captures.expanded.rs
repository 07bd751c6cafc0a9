#[allow(deprecated)]
impl ::wamp_core::__private::WampEvent for Said {
    const TOPIC: &'static str = "com.example.room.{room}.said";
    #[allow(unused_variables)]
    fn to_arguments(
        &self,
    ) -> ::wamp_core::__private::Result<
        ::wamp_core::__private::Arguments,
        ::wamp_core::__private::ValueError,
    > {
        ::wamp_core::__private::Arguments::from_kwargs(self)
    }
    #[allow(unused_variables)]
    fn from_arguments(
        arguments: &::wamp_core::__private::Arguments,
    ) -> ::wamp_core::__private::Result<Self, ::wamp_core::__private::ValueError> {
        arguments.decode_kwargs()
    }
    fn topic(
        &self,
    ) -> ::wamp_core::__private::Result<
        ::wamp_core::__private::Cow<'static, str>,
        ::wamp_core::__private::ValueError,
    > {
        let mut __topic = ::wamp_core::__private::String::with_capacity(28usize);
        __topic.push_str("com.example.room.");
        __topic
            .push_str(
                &::wamp_core::__private::capture_component(
                    "room",
                    &self.room,
                    ::wamp_core::__private::wire::<String>(),
                )?,
            );
        __topic.push_str(".said");
        ::wamp_core::__private::Ok(::wamp_core::__private::Cow::Owned(__topic))
    }
    fn from_event(
        arguments: &::wamp_core::__private::Arguments,
        topic: &str,
    ) -> ::wamp_core::__private::Result<Self, ::wamp_core::__private::ValueError> {
        let mut __captured = ::wamp_core::__private::Captured::new(arguments);
        __captured
            .capture(topic, 3usize, "room", ::wamp_core::__private::wire::<String>())?;
        __captured.arguments().decode_kwargs()
    }
    fn describe(
        gen: &mut ::wamp_core::__private::SchemaGenerator,
    ) -> ::wamp_core::__private::TopicDescription {
        ::wamp_core::__private::TopicDescription {
            name: ::wamp_core::__private::ToString::to_string("Said"),
            uri: ::wamp_core::__private::ToString::to_string(
                "com.example.room.{room}.said",
            ),
            docs: ::wamp_core::__private::ToString::to_string(""),
            payload: ::wamp_core::__private::PayloadKind::Kwargs,
            args: ::wamp_core::__private::None,
            kwargs: ::wamp_core::__private::Some(
                ::wamp_core::__private::schema::<Self>(gen),
            ),
            encrypted: false,
            deprecated: ::wamp_core::__private::None,
        }
    }
}
