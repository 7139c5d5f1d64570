//! A page's whole read in one statement (`OneRead`).

use super::bulk::bound;
use super::*;

/// A page's whole read in one statement: each part is a `SELECT` whose
/// rows come back as one JSON array of objects (SQLite's
/// `json_group_array(json_object(…))`, PostgreSQL's `json_agg(…)`), keyed
/// by the fields of the row type that reads them. The parts share the
/// statement's parameters (`$1`, `$2`, …). Per statement SQLite pays a
/// hand-off between threads and PostgreSQL a round trip; JSON costs less
/// than either. A read is put together once per process (a `static`) and
/// run with each request's parameters; its SQL is written once per backend.
pub struct OneRead {
    parts: Vec<(String, &'static [&'static str])>,
    sql: [std::sync::OnceLock<String>; 2],
}

/// A part that counts: `SELECT COUNT(*) AS n …`.
#[derive(serde::Deserialize)]
pub struct Count {
    pub n: i64,
}

/// Where a part's rows are in a [`OneRead`]'s answer.
pub struct Part<T>(usize, std::marker::PhantomData<fn() -> T>);

impl<T> Clone for Part<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Part<T> {}

/// The answer of a [`OneRead`]: each part's rows as JSON text.
pub struct Parts(Vec<String>);

impl Default for OneRead {
    fn default() -> Self {
        OneRead::new()
    }
}

impl OneRead {
    pub fn new() -> OneRead {
        OneRead {
            parts: Vec::new(),
            sql: Default::default(),
        }
    }

    /// Adds a part: `sql` selects the columns of `T`'s fields.
    pub fn part<T: serde::de::DeserializeOwned>(&mut self, sql: impl Into<String>) -> Part<T> {
        self.parts.push((sql.into(), introspect::fields::<T>()));
        Part(self.parts.len() - 1, std::marker::PhantomData)
    }

    fn sql(&self, backend: Backend) -> &str {
        self.sql[backend as usize].get_or_init(|| {
            let mut sql = String::from("SELECT ");
            for (i, (part, fields)) in self.parts.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let pairs: Vec<String> =
                    fields.iter().map(|f| format!("'{f}', t.\"{f}\"")).collect();
                let pairs = pairs.join(", ");
                sql.push_str(&match backend {
                    Backend::Sqlite => format!(
                        "(SELECT json_group_array(json_object({pairs})) FROM ({part}) AS t) AS p{i}"
                    ),
                    Backend::Postgres => format!(
                        "(SELECT COALESCE(json_agg(json_build_object({pairs})), '[]'::json)::text FROM ({part}) AS t) AS p{i}"
                    ),
                });
            }
            sql
        })
    }

    /// Runs the read with these parameters, `$1` first: one statement.
    pub async fn run(
        &self,
        conn: &mut sqlx::AnyConnection,
        binds: Vec<Val>,
    ) -> Result<Parts, sqlx::Error> {
        use sqlx::Row;
        let sql = self.sql(Backend::of(conn));
        let row = bound(sql, &binds).fetch_one(&mut *conn).await?;
        (0..self.parts.len())
            .map(|i| row.try_get::<String, _>(i))
            .collect::<Result<_, _>>()
            .map(Parts)
    }
}

impl Parts {
    /// The first row of a part, if it has one.
    pub fn first<T: serde::de::DeserializeOwned>(
        &self,
        part: Part<T>,
    ) -> Result<Option<T>, crate::error::AppError> {
        Ok(self.rows(part)?.into_iter().next())
    }

    /// The rows of a part.
    pub fn rows<T: serde::de::DeserializeOwned>(
        &self,
        part: Part<T>,
    ) -> Result<Vec<T>, crate::error::AppError> {
        serde_json::from_str(&self.0[part.0])
            .map_err(|e| crate::error::AppError::internal("one read", e))
    }
}

/// The field names a row type deserializes, asked of its `Deserialize`
/// (what `#[serde(rename)]` says included), so a part's columns are
/// written in one place: the row type.
mod introspect {
    use serde::de::{self, Deserializer, Visitor};

    pub fn fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        let mut fields: &'static [&'static str] = &[];
        let _ = T::deserialize(Introspect(&mut fields));
        fields
    }

    struct Introspect<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Introspect<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Row {
            id: i64,
            #[serde(rename = "plan_name")]
            name: String,
        }

        #[test]
        fn a_row_types_fields_are_its_columns() {
            assert_eq!(super::fields::<Row>(), &["id", "plan_name"]);
        }
    }
}
