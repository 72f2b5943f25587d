//! Property test: random blocks (random senders among several accounts, ERC-20 transfers v1
//! and v3, fibonacci and factorial calls, multicalls, reverted transfers, empty blocks) through
//! the executor and the OS; every block's public output equals the header the chain computes,
//! block after block.

mod common;

use chain::Felt;
use common::{Chain, selector};
use proptest::prelude::*;

/// One random transaction.
#[derive(Clone, Debug)]
enum Action {
    Transfer { from: usize, to: usize, amount: u64, v3: bool },
    Fibonacci { from: usize, n: u64, v3: bool },
    Factorial { from: usize, n: u64 },
    Multicall { from: usize, to: usize, n: u64 },
    DeployAccount { v3: bool },
    Overdraft { from: usize, to: usize, v3: bool },
}

const ACCOUNTS: usize = 3;

fn action() -> impl Strategy<Value = Action> {
    let account = 0..ACCOUNTS;
    prop_oneof![
        (account.clone(), 0..ACCOUNTS + 1, 0u64..1_000, any::<bool>())
            .prop_map(|(from, to, amount, v3)| Action::Transfer { from, to, amount, v3 }),
        (account.clone(), 0u64..60, any::<bool>()).prop_map(|(from, n, v3)| Action::Fibonacci {
            from,
            n,
            v3
        }),
        (account.clone(), 0u64..60).prop_map(|(from, n)| Action::Factorial { from, n }),
        (account, 0..ACCOUNTS, 0u64..20).prop_map(|(from, to, n)| Action::Multicall {
            from,
            to,
            n
        }),
        any::<bool>().prop_map(|v3| Action::DeployAccount { v3 }),
        (0..ACCOUNTS, 0..ACCOUNTS, any::<bool>()).prop_map(|(from, to, v3)| Action::Overdraft {
            from,
            to,
            v3
        }),
    ]
}

fn transaction(
    chain: &mut Chain,
    action: &Action,
    salts: &mut u64,
) -> executor::ExecutableTransaction {
    let stranger = Felt::from(0xabcdefu64);
    let address =
        |chain: &Chain, index: usize| chain.accounts.get(index).copied().unwrap_or(stranger);
    match *action {
        Action::Transfer { from, to, amount, v3 } => {
            let to = address(chain, to);
            chain.transfer(from, to, amount, v3)
        }
        Action::Fibonacci { from, n, v3 } => {
            let call = (chain.fibonacci, selector("fibonacci"), vec![Felt::from(n)]);
            if v3 { chain.invoke_v3(from, &[call]) } else { chain.invoke_v1(from, &[call]) }
        }
        Action::Factorial { from, n } => {
            let call = (chain.factorial, selector("factorial"), vec![Felt::from(n)]);
            chain.invoke_v1(from, &[call])
        }
        Action::Multicall { from, to, n } => {
            let to = address(chain, to);
            let calls = [
                (chain.erc20, selector("transfer"), vec![to, Felt::from(n), Felt::ZERO]),
                (chain.factorial, selector("factorial"), vec![Felt::from(n)]),
                (chain.fibonacci, selector("fibonacci"), vec![Felt::from(n)]),
            ];
            chain.invoke_v3(from, &calls)
        }
        Action::DeployAccount { v3 } => {
            // A fresh salt each time: a second deployment at one address would be rejected.
            *salts += 1;
            chain.deploy_account(0x1000 + *salts, v3).0
        }
        Action::Overdraft { from, to, v3 } => {
            // More than any balance: `__execute__` reverts, only the nonce changes.
            let to = address(chain, to);
            let call =
                (chain.erc20, selector("transfer"), vec![to, Felt::from(u128::MAX), Felt::ZERO]);
            if v3 { chain.invoke_v3(from, &[call]) } else { chain.invoke_v1(from, &[call]) }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_blocks_prove_their_headers(
        blocks in proptest::collection::vec(proptest::collection::vec(action(), 0..6), 1..4)
    ) {
        let mut chain = Chain::new(ACCOUNTS);
        // Every account holds tokens to send.
        let funding: Vec<_> = (1..ACCOUNTS)
            .map(|index| {
                let to = chain.accounts[index];
                chain.transfer(0, to, 1_000_000, false)
            })
            .collect();
        let block = chain.block(funding);
        let proven = chain.prove_and_commit(&block);
        prop_assert_eq!(proven.os.public_output, proven.expected_output());
        let mut salts = 0;
        for actions in &blocks {
            let txs =
                actions.iter().map(|action| transaction(&mut chain, action, &mut salts)).collect();
            let block = chain.block(txs);
            let proven = chain.prove_and_commit(&block);
            prop_assert_eq!(proven.os.public_output, proven.expected_output());
        }
    }
}
