impl ::wamp_core::__private::ServiceError for CalcError {
    const URIS: &'static [&'static str] = &[
        "com.example.calc.error.overflow",
        "com.example.errors.too_big",
        "com.example.calc.error.divide_by_zero",
    ];
    #[allow(unused_variables)]
    fn to_wamp_error(&self) -> ::wamp_core::__private::WampError {
        match self {
            CalcError::Overflow => {
                let mut error = ::wamp_core::__private::WampError::new(
                    "com.example.calc.error.overflow",
                );
                match ::wamp_core::__private::Ok::<
                    _,
                    ::wamp_core::__private::ValueError,
                >((
                    ::wamp_core::__private::Vec::new(),
                    ::wamp_core::__private::Dict::new(),
                )) {
                    ::wamp_core::__private::Ok((args, kwargs)) => {
                        error.args = args;
                        error.kwargs = kwargs;
                    }
                    ::wamp_core::__private::Err(e) => {
                        error.args = ::std::vec![
                            ::wamp_core::__private::Value::Text(::std::format!("the error's payload did not serialize: {}",
                            e))
                        ];
                    }
                }
                error
            }
            CalcError::TooBig(__f0, __f1) => {
                let mut error = ::wamp_core::__private::WampError::new(
                    "com.example.errors.too_big",
                );
                match (|| {
                    let args = ::std::vec![
                        ::wamp_core::__private::to_value(__f0) ?,
                        ::wamp_core::__private::to_value(__f1) ?
                    ];
                    ::wamp_core::__private::Ok::<
                        _,
                        ::wamp_core::__private::ValueError,
                    >((args, ::wamp_core::__private::Dict::new()))
                })() {
                    ::wamp_core::__private::Ok((args, kwargs)) => {
                        error.args = args;
                        error.kwargs = kwargs;
                    }
                    ::wamp_core::__private::Err(e) => {
                        error.args = ::std::vec![
                            ::wamp_core::__private::Value::Text(::std::format!("the error's payload did not serialize: {}",
                            e))
                        ];
                    }
                }
                error
            }
            CalcError::DivideByZero { dividend: __f0 } => {
                let mut error = ::wamp_core::__private::WampError::new(
                    "com.example.calc.error.divide_by_zero",
                );
                match (|| {
                    let mut kwargs = ::wamp_core::__private::Dict::new();
                    kwargs
                        .insert(
                            ::wamp_core::__private::ToString::to_string("dividend"),
                            ::wamp_core::__private::to_value(__f0)?,
                        );
                    ::wamp_core::__private::Ok::<
                        _,
                        ::wamp_core::__private::ValueError,
                    >((::wamp_core::__private::Vec::new(), kwargs))
                })() {
                    ::wamp_core::__private::Ok((args, kwargs)) => {
                        error.args = args;
                        error.kwargs = kwargs;
                    }
                    ::wamp_core::__private::Err(e) => {
                        error.args = ::std::vec![
                            ::wamp_core::__private::Value::Text(::std::format!("the error's payload did not serialize: {}",
                            e))
                        ];
                    }
                }
                error
            }
        }
    }
    #[allow(unused_variables)]
    fn from_wamp_error(
        error: &::wamp_core::__private::WampError,
    ) -> ::wamp_core::__private::Option<
        ::wamp_core::__private::Result<Self, ::wamp_core::__private::ValueError>,
    > {
        let args = &error.args;
        let kwargs = &error.kwargs;
        match error.uri.as_str() {
            "com.example.calc.error.overflow" => {
                ::wamp_core::__private::Some(
                    ::wamp_core::__private::Ok::<
                        _,
                        ::wamp_core::__private::ValueError,
                    >(CalcError::Overflow),
                )
            }
            "com.example.errors.too_big" => {
                ::wamp_core::__private::Some(
                    (|| ::wamp_core::__private::Ok::<
                        _,
                        ::wamp_core::__private::ValueError,
                    >(
                        CalcError::TooBig(
                            ::wamp_core::__private::decode_positional(args, 0usize)?,
                            ::wamp_core::__private::decode_positional(args, 1usize)?,
                        ),
                    ))(),
                )
            }
            "com.example.calc.error.divide_by_zero" => {
                ::wamp_core::__private::Some(
                    (|| ::wamp_core::__private::Ok::<
                        _,
                        ::wamp_core::__private::ValueError,
                    >(CalcError::DivideByZero {
                        dividend: ::wamp_core::__private::decode_keyword(
                            kwargs,
                            "dividend",
                        )?,
                    }))(),
                )
            }
            _ => ::wamp_core::__private::None,
        }
    }
    fn describe(
        gen: &mut ::wamp_core::__private::SchemaGenerator,
    ) -> ::wamp_core::__private::Option<::wamp_core::__private::ErrorTypeDescription> {
        let variants = ::std::vec![
            { let fields = ::wamp_core::__private::FieldSchemas::Unit;
            ::wamp_core::__private::error_variant(gen, "Overflow",
            "com.example.calc.error.overflow", "", fields) }, { let fields =
            ::wamp_core::__private::FieldSchemas::Tuple(::std::vec![::wamp_core::__private::schema::
            < u32 > (gen), ::wamp_core::__private::schema:: < String > (gen)]);
            ::wamp_core::__private::error_variant(gen, "TooBig",
            "com.example.errors.too_big", "", fields) }, { let fields =
            ::wamp_core::__private::FieldSchemas::Named(::std::vec![("dividend",
            ::wamp_core::__private::schema:: < i64 > (gen))]);
            ::wamp_core::__private::error_variant(gen, "DivideByZero",
            "com.example.calc.error.divide_by_zero", "", fields) }
        ];
        ::wamp_core::__private::Some(::wamp_core::__private::ErrorTypeDescription {
            name: ::wamp_core::__private::ToString::to_string("CalcError"),
            docs: ::wamp_core::__private::ToString::to_string(""),
            variants,
        })
    }
}
