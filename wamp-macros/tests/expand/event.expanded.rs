#[allow(deprecated)]
impl ::wamp_core::__private::WampEvent for Moved {
    const TOPIC: &'static str = "com.example.moved";
    #[allow(unused_variables)]
    fn to_arguments(
        &self,
    ) -> ::wamp_core::__private::Result<
        ::wamp_core::__private::Arguments,
        ::wamp_core::__private::ValueError,
    > {
        let Moved { x: __f0, y: __f1 } = self;
        let (args, kwargs) = (|| {
            let args = ::std::vec![
                ::wamp_core::__private::to_value(__f0) ?,
                ::wamp_core::__private::to_value(__f1) ?
            ];
            ::wamp_core::__private::Ok::<
                _,
                ::wamp_core::__private::ValueError,
            >((args, ::wamp_core::__private::Dict::new()))
        })()?;
        ::wamp_core::__private::Ok(::wamp_core::__private::Arguments::new(args, kwargs))
    }
    #[allow(unused_variables)]
    fn from_arguments(
        arguments: &::wamp_core::__private::Arguments,
    ) -> ::wamp_core::__private::Result<Self, ::wamp_core::__private::ValueError> {
        let args = &arguments.args;
        let kwargs = &arguments.kwargs;
        (|| ::wamp_core::__private::Ok::<
            _,
            ::wamp_core::__private::ValueError,
        >(Moved {
            x: ::wamp_core::__private::decode_positional(args, 0usize)?,
            y: ::wamp_core::__private::decode_positional(args, 1usize)?,
        }))()
    }
    fn describe(
        gen: &mut ::wamp_core::__private::SchemaGenerator,
    ) -> ::wamp_core::__private::TopicDescription {
        ::wamp_core::__private::TopicDescription {
            name: ::wamp_core::__private::ToString::to_string("Moved"),
            uri: ::wamp_core::__private::ToString::to_string("com.example.moved"),
            docs: ::wamp_core::__private::ToString::to_string(""),
            payload: ::wamp_core::__private::PayloadKind::Args,
            args: ::wamp_core::__private::Some({
                let items = ::std::vec![
                    (::wamp_core::__private::Some("x"), ::wamp_core::__private::schema::
                    < i64 > (gen)), (::wamp_core::__private::Some("y"),
                    ::wamp_core::__private::schema:: < i64 > (gen))
                ];
                ::wamp_core::__private::array_schema(items, gen)
            }),
            kwargs: ::wamp_core::__private::None,
            encrypted: false,
            deprecated: ::wamp_core::__private::None,
        }
    }
}
