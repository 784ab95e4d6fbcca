//! Two routers sharing one real Redis (Debian's redis-server, started here on a free loopback
//! port; `scripts/setup.sh tests` installs it), standing in for two replicas: a session's
//! State follows it from one to the other, a State too large or no longer of its type is
//! handled in words, and Redis gone is a 503 that says so, then recovery.
//! (Three release replicas behind nginx, with the official clients: compat/test_replicas.py.)

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rheo::{Interface, Limits, Number, Registry, State, Textbox};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

/// Adds `word` to the session's words; "big" adds two MiB of them.
fn tally(word: String, State(words): State<Vec<String>>) -> (String, State<Vec<String>>) {
    let mut words = words;
    match word.as_str() {
        "big" => words.push("x".repeat(2 << 20)),
        _ => words.push(word),
    }
    (words.join(" "), State(words))
}

fn replica(redis_port: u16) -> Router {
    replica_with(redis_port, Limits::default())
}

fn replica_with(redis_port: u16, limits: Limits) -> Router {
    let tally = Interface::new(tally)
        .inputs((Textbox::new(), State(Vec::<String>::new())))
        .outputs((Textbox::new(), State(Vec::<String>::new())));
    let double = Interface::new(|x: f64| 2.0 * x).inputs(Number::new()).outputs(Number::new());
    Registry::new()
        .limits(limits)
        .mount("tally", tally)
        .mount("double", double)
        .shared_store(format!("redis://127.0.0.1:{redis_port}/0"))
        .into_router()
}

/// A redis-server of the test's own, stopped when dropped.
struct Redis {
    port: u16,
    child: Child,
}

impl Redis {
    fn start(port: u16) -> Redis {
        let mut child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is needed for this test: `source scripts/setup.sh tests` installs it");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Redis { port, child };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("redis-server did not start on port {port}");
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Runs a command with redis-cli.
    fn cli(&self, args: &[&str]) -> String {
        let port = self.port.to_string();
        let out = Command::new("redis-cli").args(["-p", &port]).args(args).output().expect("redis-cli");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn run(router: &Router, name: &str, body: Json) -> (StatusCode, Json) {
    let request = Request::post(format!("/{name}/run"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn say(router: &Router, session: &str, word: &str) -> (StatusCode, Json) {
    run(router, "tally", json!({"data": [word, null], "session": session})).await
}

#[tokio::test]
async fn state_follows_its_session_between_replicas_and_bad_state_is_handled_in_words() {
    let port = free_port();
    let mut redis = Redis::start(port);
    let (a, b) = (replica(port), replica(port));

    assert_eq!(say(&a, "s1", "one").await, (StatusCode::OK, json!({"data": ["one", null]})));
    assert_eq!(say(&b, "s1", "two").await.1, json!({"data": ["one two", null]}), "the other replica's call");
    assert_eq!(say(&a, "s2", "alone").await.1, json!({"data": ["alone", null]}), "another session, its own");
    assert_eq!(say(&a, "s1", "three").await.1, json!({"data": ["one two three", null]}));

    // A State over the store's bound fails in words, and the session keeps what it had.
    let (status, body) = say(&b, "s1", "big").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["error"].as_str().unwrap().contains("the shared store keeps at most 1024 KiB"), "{body}");
    assert_eq!(say(&a, "s1", "four").await.1, json!({"data": ["one two three four", null]}));

    // A kept value that is no longer of the State's type (the code changed since): afresh.
    redis.cli(&["HSET", "rheo:tally:state:s3", "0", "{\"not\": \"a list\"}"]);
    assert_eq!(say(&b, "s3", "new").await.1, json!({"data": ["new", null]}));

    // Ending a session on one replica ends it on all.
    let end = Request::post("/tally/sessions/s1/end").body(Body::empty()).unwrap();
    assert_eq!(a.clone().oneshot(end).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(say(&b, "s1", "again").await.1, json!({"data": ["again", null]}));

    // Redis gone: a 503 that says so where State is needed; the rest goes on.
    redis.stop();
    let (status, body) = say(&a, "s1", "lost").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body["error"].as_str().unwrap().starts_with("the shared store (Redis) is unavailable"), "{body}");
    assert_eq!(run(&b, "double", json!({"data": [2]})).await, (StatusCode::OK, json!({"data": [4.0]})));

    // Back (empty, as it kept nothing): the replicas reconnect by themselves.
    let _redis = Redis::start(port);
    let mut answered = say(&a, "s1", "back").await;
    for _ in 0..50 {
        if answered.0 == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        answered = say(&a, "s1", "back").await;
    }
    assert_eq!(answered, (StatusCode::OK, json!({"data": ["back", null]})));
    assert_eq!(say(&b, "s1", "again").await.1, json!({"data": ["back again", null]}));
}

#[tokio::test]
async fn a_file_another_replica_holds_is_fetched_once_however_many_ask_for_it_at_once() {
    let port = free_port();
    let redis = Redis::start(port);
    let (a, b) = (replica(port), replica(port));
    let bytes = vec![7_u8; 256 << 10];
    let mut body =
        b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            .to_vec();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(b"\r\n--b--\r\n");
    let upload = Request::post("/double/gradio_api/upload")
        .header("content-type", "multipart/form-data; boundary=b")
        .body(Body::from(body))
        .unwrap();
    let response = a.clone().oneshot(upload).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let paths: Json = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let path = paths[0].as_str().unwrap().to_owned();

    redis.cli(&["CONFIG", "RESETSTAT"]);
    let gets = (0..16).map(|_| {
        let request = Request::get(format!("/double/gradio_api/file={path}")).body(Body::empty()).unwrap();
        let b = b.clone();
        async move {
            let response = b.oneshot(request).await.unwrap();
            (response.status(), response.into_body().collect().await.unwrap().to_bytes())
        }
    });
    for (status, body) in futures::future::join_all(gets).await {
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, bytes, "the file, whole");
    }
    // Each fetch asks for the file's time to live once.
    let stats = redis.cli(&["INFO", "commandstats"]);
    let fetches = stats
        .lines()
        .find_map(|line| line.strip_prefix("cmdstat_ttl:calls="))
        .map(|rest| rest.split(',').next().unwrap().parse::<u32>().unwrap());
    assert_eq!(fetches, Some(1), "{stats}");
}

#[tokio::test]
async fn sessions_in_redis_are_bounded_in_number_the_one_used_longest_ago_going_first() {
    let port = free_port();
    let redis = Redis::start(port);
    let limits = Limits::default().max_sessions(3);
    let (a, b) = (replica_with(port, limits), replica_with(port, limits));
    for (replica, session) in [(&a, "s1"), (&b, "s2"), (&a, "s3")] {
        say(replica, session, "first").await;
    }
    assert_eq!(say(&b, "s1", "again").await.1, json!({"data": ["first again", null]}), "s1 used: now the newest");
    say(&b, "s4", "first").await;
    let kept = redis.cli(&["KEYS", "rheo:tally:state:*"]);
    let mut kept: Vec<&str> = kept.lines().collect();
    kept.sort_unstable();
    assert_eq!(kept, ["rheo:tally:state:s1", "rheo:tally:state:s3", "rheo:tally:state:s4"], "s2 went");
    assert_eq!(say(&a, "s2", "back").await.1, json!({"data": ["back", null]}), "s2 starts afresh");
}
