//! Statements whose parameters come as one tuple, `$1` first, instead of a `.bind` each: most of
//! the store's reads and writes are one short statement, and read as one line.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Arguments, Encode, Executor, FromRow, Type};

use super::{Page, Store, StoreError};

/// A statement's parameters: a tuple, `$1` first (one parameter is `(value,)`).
pub(crate) trait Params<'q> {
    /// The values encoded (`Encode` fails as it would at a `.bind`'s execution).
    fn arguments(self) -> Result<AnyArguments<'q>, sqlx::Error>;
}

macro_rules! tuple_params {
    ($($value:ident: $type:ident),+) => {
        impl<'q, $($type),+> Params<'q> for ($($type,)+)
        where
            $($type: 'q + Send + Encode<'q, Any> + Type<Any>,)+
        {
            fn arguments(self) -> Result<AnyArguments<'q>, sqlx::Error> {
                let ($($value,)+) = self;
                let mut arguments = AnyArguments::default();
                $(arguments.add($value).map_err(sqlx::Error::Encode)?;)+
                Ok(arguments)
            }
        }
    };
}

impl<'q> Params<'q> for () {
    fn arguments(self) -> Result<AnyArguments<'q>, sqlx::Error> {
        Ok(AnyArguments::default())
    }
}

tuple_params!(a: A);
tuple_params!(a: A, b: B);
tuple_params!(a: A, b: B, c: C);
tuple_params!(a: A, b: B, c: C, d: D);
tuple_params!(a: A, b: B, c: C, d: D, e: E);
tuple_params!(a: A, b: B, c: C, d: D, e: E, f: F);
tuple_params!(a: A, b: B, c: C, d: D, e: E, f: F, g: G);
tuple_params!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H);
tuple_params!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H, i: I);
tuple_params!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H, i: I, j: J);
tuple_params!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H, i: I, j: J, k: K);

/// Runs a statement; returns how many rows it changed.
pub(crate) async fn execute<'c, 'q>(
    executor: impl Executor<'c, Database = Any>,
    sql: &'q str,
    params: impl Params<'q>,
) -> Result<u64, StoreError> {
    let query = sqlx::query_with(sql, params.arguments()?);
    Ok(query.execute(executor).await?.rows_affected())
}

/// A function that runs a statement and fetches from it in one of sqlx's ways (`$build` and
/// `$fetch`), answering `$out` of the row type `R`.
macro_rules! fetch_function {
    ($(#[doc = $doc:literal])* $name:ident = $build:ident, $fetch:ident -> $out:ty; $($bound:tt)+) => {
        $(#[doc = $doc])*
        pub(crate) async fn $name<'c, 'q, R>(
            executor: impl Executor<'c, Database = Any>,
            sql: &'q str,
            params: impl Params<'q>,
        ) -> Result<$out, StoreError>
        where
            R: Send + Unpin,
            $($bound)+
        {
            let query = sqlx::$build(sql, params.arguments()?);
            Ok(query.$fetch(executor).await?)
        }
    };
}

fetch_function!(
    /// The one row the statement returns.
    fetch_one = query_as_with, fetch_one -> R; R: for<'r> FromRow<'r, AnyRow>
);
fetch_function!(
    /// The row the statement returns, if it returns one.
    fetch_optional = query_as_with, fetch_optional -> Option<R>; R: for<'r> FromRow<'r, AnyRow>
);
fetch_function!(
    /// Every row the statement returns.
    fetch_all = query_as_with, fetch_all -> Vec<R>; R: for<'r> FromRow<'r, AnyRow>
);
fetch_function!(
    /// The one value of the one row the statement returns (a count, say).
    fetch_scalar = query_scalar_with, fetch_one -> R; (R,): for<'r> FromRow<'r, AnyRow>
);
fetch_function!(
    /// The one value of the row the statement returns, if it returns one.
    fetch_scalar_optional = query_scalar_with, fetch_optional -> Option<R>;
    (R,): for<'r> FromRow<'r, AnyRow>
);
fetch_function!(
    /// The one value of each row the statement returns.
    fetch_scalars = query_scalar_with, fetch_all -> Vec<R>; (R,): for<'r> FromRow<'r, AnyRow>
);

impl Store {
    /// One page of rows and how many match in all: `count_sql` takes the `filter` parameters,
    /// `rows_sql` the same and then the limit and offset. A page past the end is not read.
    pub(crate) async fn fetch_page<'q, R>(
        &self,
        (count_sql, rows_sql): (&'q str, &'q str),
        filter: impl Params<'q> + Clone,
        (limit, offset): (i64, i64),
    ) -> Result<Page<R>, StoreError>
    where
        R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let total: i64 = fetch_scalar(&self.pool, count_sql, filter.clone()).await?;
        if total <= offset {
            return Ok(Page {
                items: Vec::new(),
                total,
            });
        }
        let mut arguments = filter.arguments()?;
        arguments.add(limit).map_err(sqlx::Error::Encode)?;
        arguments.add(offset).map_err(sqlx::Error::Encode)?;
        let query = sqlx::query_as_with(rows_sql, arguments);
        let items = query.fetch_all(&self.pool).await?;
        Ok(Page { items, total })
    }
}
