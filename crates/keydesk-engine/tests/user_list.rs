//! A users file as the window's queue: each UPN is looked up in the simulated tenant over
//! HTTP; unknown and repeated UPNs and lines that are not UPNs are named with their line and
//! left out, the rest form the queue in file order.

mod common;

use keydesk_engine::user_list;
use keydesk_sim::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_with_a_upn_column_becomes_the_queue_without_unknown_or_repeated_users() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 3,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, ..) = common::desk(&sim).await;
        let text = format!(
            "department,userPrincipalName\r\nSales,{}\r\nSales,nobody@contoso.example\r\nIT,{}\r\nIT,{}\r\nIT,not a name\r\n",
            users[2].upn,
            users[0].upn,
            users[2].upn.to_uppercase(),
        );
        let list = user_list::resolve(&graph, text.as_bytes()).await;
        let found: Vec<&str> = list.users.iter().map(|u| u.upn.as_str()).collect();
        assert_eq!(found, [users[2].upn.as_str(), users[0].upn.as_str()]);
        let lines: Vec<usize> = list.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 5, 6], "{:?}", list.problems);
        let unknown = list.problems[0].to_string();
        assert!(
            unknown == "line 3: nobody@contoso.example: no user has this name in the tenant (check the spelling), left out",
            "{unknown}"
        );
        assert!(list.problems[1].to_string().contains("listed already on line 2"), "{:?}", list.problems);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_upn_per_line_reads_as_a_list_and_an_empty_file_says_so() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 2,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, ..) = common::desk(&sim).await;
        let text = format!("{}\n\n{}\n", users[1].upn, users[0].upn);
        let list = user_list::resolve(&graph, text.as_bytes()).await;
        assert_eq!(list.users.len(), 2);
        assert_eq!(list.users[0].id, users[1].id);
        assert!(list.problems.is_empty(), "{:?}", list.problems);

        let empty = user_list::resolve(&graph, b"").await;
        assert!(empty.users.is_empty());
        assert_eq!(empty.problems.len(), 1);
        assert!(
            empty.problems[0].to_string().contains("empty"),
            "{:?}",
            empty.problems
        );
    })
    .await;
}
