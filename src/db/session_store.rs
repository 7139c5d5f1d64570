//! A tower-sessions store on our own pool, so sessions live in the same
//! database on SQLite and PostgreSQL and several server instances share them.

use super::Db;
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }

    /// Removes sessions that expired before now.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let r = sqlx::query("DELETE FROM sessions WHERE expiry_date < $1")
            .bind(now)
            .execute(&mut *self.db.write_conn().await?)
            .await?;
        Ok(r.rows_affected())
    }
}

/// Ends every session whose `key` is `value` (an operator's, a user's)
/// but `except` (the one asking); returns how many.
pub async fn end_sessions_of(
    db: &Db,
    key: &str,
    value: i64,
    except: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let mut conn = db.write_conn().await?;
    let candidates: Vec<(String, String)> =
        sqlx::query_as("SELECT id, data FROM sessions WHERE data LIKE $1")
            .bind(format!("%\"{key}\":{value}%"))
            .fetch_all(&mut *conn)
            .await?;
    let mut ended = 0;
    for (id, data) in candidates {
        let holds = serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|d| d.get(key).and_then(serde_json::Value::as_i64))
            == Some(value);
        if holds && Some(id.as_str()) != except {
            ended += sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(&id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
        }
    }
    Ok(ended)
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh id must not overwrite an existing session: insert, and pick
        // another id on the (astronomically rare) collision.
        loop {
            let data = serde_json::to_string(&record.data).map_err(backend)?;
            let r = sqlx::query(
                "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(data)
            .bind(record.expiry_date.unix_timestamp())
            .execute(&mut *self.db.write_conn().await.map_err(backend)?)
            .await
            .map_err(backend)?;
            if r.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates a session that exists; never brings back one that is gone:
    /// a request that loaded the session before a logout (or a purge)
    /// deleted it and saves after must not log the user in again. New
    /// sessions (and new ids after login) go through `create`.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(backend)?;
        sqlx::query("UPDATE sessions SET data = $1, expiry_date = $2 WHERE id = $3")
            .bind(data)
            .bind(record.expiry_date.unix_timestamp())
            .bind(record.id.to_string())
            .execute(&mut *self.db.write_conn().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2",
        )
        .bind(id.to_string())
        .bind(now)
        .fetch_optional(&self.db.pool)
        .await
        .map_err(backend)?;
        let Some((data, expiry)) = row else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data).map_err(backend)?,
            expiry_date: time::OffsetDateTime::from_unix_timestamp(expiry).map_err(backend)?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *self.db.write_conn().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
