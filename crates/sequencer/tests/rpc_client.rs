//! starknet-rs (`starknet-providers`, `starknet-accounts` 0.16) against a devnet on 127.0.0.1:
//! reads, a v3 DEPLOY_ACCOUNT, v3 INVOKEs (ERC-20 transfer, fibonacci), errors.

mod common;

use std::time::Duration;

use common::{Devnet, selector, test_config, wait_for_receipt};
use sequencer::genesis::ACCOUNT_BALANCE;
use starknet_accounts::{
    Account, AccountFactory, ExecutionEncoding, OpenZeppelinAccountFactory, SingleOwnerAccount,
};
use starknet_core::types::{
    BlockId, BlockTag, Call, ExecutionResult, Felt, FunctionCall,
    MaybePreConfirmedBlockWithReceipts, MaybePreConfirmedBlockWithTxHashes,
    MaybePreConfirmedStateUpdate, StarknetError, TransactionReceipt, TransactionStatus,
};
use starknet_providers::{Provider, ProviderError};
use starknet_signers::{LocalWallet, SigningKey};

const BLOCK_TIME: Duration = Duration::from_millis(200);

async fn balance(devnet: &Devnet, owner: Felt) -> Felt {
    let erc20 = devnet.node.genesis().erc20_address;
    let call = FunctionCall {
        contract_address: erc20,
        entry_point_selector: selector("balance_of"),
        calldata: vec![owner],
    };
    let result = devnet.client().call(call, BlockId::Tag(BlockTag::Latest)).await.unwrap();
    assert_eq!(result.len(), 2, "Uint256 is two felts");
    assert_eq!(result[1], Felt::ZERO);
    result[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_genesis_blocks_and_state() {
    let devnet = Devnet::start(None, test_config(BLOCK_TIME, true)).await;
    let client = devnet.client();
    assert_eq!(client.spec_version().await.unwrap(), "0.9.0");
    assert_eq!(client.chain_id().await.unwrap(), devnet.node.config().chain_id.as_felt());

    let MaybePreConfirmedBlockWithTxHashes::Block(genesis) =
        client.get_block_with_tx_hashes(BlockId::Number(0)).await.unwrap()
    else {
        panic!("block 0 is confirmed");
    };
    assert_eq!(genesis.block_number, 0);
    assert_eq!(genesis.parent_hash, Felt::ZERO);
    assert_ne!(genesis.new_root, Felt::ZERO, "commitment on: genesis has a state root");
    let by_hash = client.get_block_with_tx_hashes(BlockId::Hash(genesis.block_hash)).await.unwrap();
    assert!(matches!(by_hash, MaybePreConfirmedBlockWithTxHashes::Block(b) if b == genesis));

    // Blocks keep coming, empty ones too, chained by hash.
    tokio::time::sleep(BLOCK_TIME * 3).await;
    let head = client.block_hash_and_number().await.unwrap();
    assert!(head.block_number >= 1);
    let MaybePreConfirmedBlockWithReceipts::Block(first) =
        client.get_block_with_receipts(BlockId::Number(1)).await.unwrap()
    else {
        panic!("block 1 is confirmed");
    };
    assert_eq!(first.parent_hash, genesis.block_hash);
    assert!(first.transactions.is_empty());

    let MaybePreConfirmedStateUpdate::Update(update) =
        client.get_state_update(BlockId::Number(0)).await.unwrap()
    else {
        panic!("state update of block 0");
    };
    assert_eq!(update.new_root, genesis.new_root);
    assert_eq!(update.state_diff.deprecated_declared_classes.len(), 5);
    // 3 accounts, the minter, the ERC-20, fibonacci, factorial and the UDC.
    assert_eq!(update.state_diff.deployed_contracts.len(), 8);

    // The storage proof's roots give the block's state root.
    let erc20 = devnet.node.genesis().erc20_address;
    let proof = client
        .get_storage_proof(starknet_core::types::ConfirmedBlockId::Number(0), [], [erc20], [])
        .await
        .unwrap();
    let roots = &proof.global_roots;
    assert_eq!(roots.block_hash, genesis.block_hash);
    // Genesis declares Cairo 0 classes only, which are in no trie: the classes trie is empty and
    // the state root is the contracts root (Starknet's rule).
    assert_eq!(roots.classes_tree_root, Felt::ZERO);
    assert_eq!(roots.contracts_tree_root, genesis.new_root);

    let first_account = devnet.node.genesis().accounts[0].address;
    assert_eq!(balance(&devnet, first_account).await, Felt::from(ACCOUNT_BALANCE));
    let class_hash = client.get_class_hash_at(BlockId::Tag(BlockTag::Latest), erc20).await.unwrap();
    let class = client.get_class(BlockId::Tag(BlockTag::Latest), class_hash).await.unwrap();
    assert!(matches!(class, starknet_core::types::ContractClass::Legacy(_)));
    let nonce =
        client.get_nonce(BlockId::Tag(BlockTag::PreConfirmed), first_account).await.unwrap();
    assert_eq!(nonce, Felt::ZERO);
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_transfer_and_fibonacci_from_a_prefunded_account() {
    let devnet = Devnet::start(None, test_config(BLOCK_TIME, true)).await;
    let client = devnet.client();
    let account = devnet.account(0);
    let genesis = devnet.node.genesis().clone();
    let recipient = genesis.accounts[1].address;

    // ERC-20 transfer, fees estimated through starknet_estimateFee.
    let transfer = Call {
        to: genesis.erc20_address,
        selector: selector("transfer"),
        calldata: vec![recipient, Felt::from(1000u64), Felt::ZERO],
    };
    let sent = account.execute_v3(vec![transfer]).send().await.unwrap();
    let status = client.get_transaction_status(sent.transaction_hash).await;
    assert!(status.is_ok(), "a submitted transaction is known at once");
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    let TransactionReceipt::Invoke(invoke) = &receipt.receipt else { panic!("invoke receipt") };
    assert_eq!(invoke.execution_result, ExecutionResult::Succeeded);
    let transfer_event = invoke
        .events
        .iter()
        .find(|event| event.from_address == genesis.erc20_address)
        .expect("Transfer event");
    assert_eq!(transfer_event.data[..3], [account.address(), recipient, Felt::from(1000u64)]);
    assert_eq!(balance(&devnet, recipient).await, Felt::from(ACCOUNT_BALANCE + 1000));
    assert!(matches!(
        client.get_transaction_status(sent.transaction_hash).await.unwrap(),
        TransactionStatus::AcceptedOnL2(ExecutionResult::Succeeded)
    ));

    // fibonacci(10) with explicit gas and tip (no estimate), then read back get_last.
    let fibonacci = Call {
        to: genesis.fibonacci_address,
        selector: selector("fibonacci"),
        calldata: vec![Felt::from(10u64)],
    };
    let sent = account
        .execute_v3(vec![fibonacci])
        .l1_gas(0)
        .l2_gas(10_000_000)
        .l1_data_gas(0)
        .l1_gas_price(0)
        .l2_gas_price(0)
        .l1_data_gas_price(0)
        .tip(0)
        .send()
        .await
        .unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    let block_number = receipt.block.block_number();
    let last = client
        .call(
            FunctionCall {
                contract_address: genesis.fibonacci_address,
                entry_point_selector: selector("get_last"),
                calldata: vec![],
            },
            BlockId::Tag(BlockTag::Latest),
        )
        .await
        .unwrap();
    assert_eq!(last, vec![Felt::from(10u64), Felt::from(55u64), Felt::from(block_number)]);
    assert_eq!(
        client.get_nonce(BlockId::Tag(BlockTag::Latest), account.address()).await.unwrap(),
        Felt::TWO
    );
    let block = BlockId::Number(block_number);
    assert!(client.get_block_transaction_count(block).await.unwrap() >= 1);
    let index = match client.get_block_with_tx_hashes(block).await.unwrap() {
        MaybePreConfirmedBlockWithTxHashes::Block(b) => {
            b.transactions.iter().position(|h| *h == sent.transaction_hash).unwrap()
        }
        _ => panic!("confirmed block"),
    };
    let by_index = client.get_transaction_by_block_id_and_index(block, index as u64).await.unwrap();
    assert_eq!(*by_index.transaction_hash(), sent.transaction_hash);
    assert!(matches!(
        client.get_transaction_by_block_id_and_index(block, 10_000).await,
        Err(ProviderError::StarknetError(StarknetError::InvalidTransactionIndex))
    ));
    assert!(matches!(
        client.syncing().await.unwrap(),
        starknet_core::types::SyncStatusType::NotSyncing
    ));

    // The block holds the transaction and its events are found by getEvents.
    let events = client
        .get_events(
            starknet_core::types::EventFilter {
                from_block: Some(BlockId::Number(0)),
                to_block: Some(BlockId::Tag(BlockTag::Latest)),
                address: Some(genesis.fibonacci_address),
                keys: None,
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(events.events.len(), 1);
    assert_eq!(events.events[0].transaction_hash, sent.transaction_hash);

    // All events (Transfer, FibonacciComputed), one page at a time, give the same list.
    let all_filter = starknet_core::types::EventFilter {
        from_block: Some(BlockId::Number(0)),
        to_block: Some(BlockId::Tag(BlockTag::Latest)),
        address: None,
        keys: None,
    };
    let all = client.get_events(all_filter.clone(), None, 100).await.unwrap();
    assert_eq!(all.events.len(), 2);
    assert!(all.continuation_token.is_none());
    let mut paged = Vec::new();
    let mut token = None;
    loop {
        let page = client.get_events(all_filter.clone(), token, 1).await.unwrap();
        paged.extend(page.events);
        token = page.continuation_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(paged, all.events);
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_account_v3_then_invoke_through_it() {
    let devnet = Devnet::start(None, test_config(BLOCK_TIME, true)).await;
    let client = devnet.client();
    let chain_id = devnet.node.config().chain_id.as_felt();
    let class_hash = devnet.node.genesis().account_class_hash;
    let key = SigningKey::from_secret_scalar(Felt::from_hex_unchecked("0x5eed1234"));
    let factory = OpenZeppelinAccountFactory::new(
        class_hash,
        chain_id,
        LocalWallet::from(key.clone()),
        devnet.client(),
    )
    .await
    .unwrap();
    let deployment = factory.deploy_v3(Felt::from(7u64));
    let address = deployment.address();
    let sent = deployment.send().await.unwrap();
    assert_eq!(sent.contract_address, address);
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    assert!(matches!(receipt.receipt, TransactionReceipt::DeployAccount(ref r)
        if r.contract_address == address && r.execution_result == ExecutionResult::Succeeded));
    assert_eq!(
        client.get_class_hash_at(BlockId::Tag(BlockTag::Latest), address).await.unwrap(),
        class_hash
    );

    let account = SingleOwnerAccount::new(
        devnet.client(),
        LocalWallet::from(key),
        address,
        chain_id,
        ExecutionEncoding::Legacy,
    );
    let factorial = Call {
        to: devnet.node.genesis().factorial_address,
        selector: selector("factorial"),
        calldata: vec![Felt::from(5u64)],
    };
    let sent = account.execute_v3(vec![factorial]).send().await.unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    let TransactionReceipt::Invoke(invoke) = receipt.receipt else { panic!("invoke receipt") };
    assert_eq!(invoke.execution_result, ExecutionResult::Succeeded);
    // FactorialComputed(caller, n, result, timestamp).
    assert_eq!(invoke.events[0].data[..3], [address, Felt::from(5u64), Felt::from(120u64)]);
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spec_errors_for_unknown_ids_bad_nonces_and_bad_signatures() {
    let devnet = Devnet::start(None, test_config(BLOCK_TIME, false)).await;
    let client = devnet.client();
    let starknet_error = |result: Result<(), ProviderError>| match result {
        Err(ProviderError::StarknetError(error)) => error,
        other => panic!("expected a Starknet error, got {other:?}"),
    };
    let error = starknet_error(
        client.get_block_with_tx_hashes(BlockId::Number(1_000_000)).await.map(|_| ()),
    );
    assert_eq!(error, StarknetError::BlockNotFound);
    let error = starknet_error(
        client.get_block_with_txs(BlockId::Hash(Felt::from(12345u64))).await.map(|_| ()),
    );
    assert_eq!(error, StarknetError::BlockNotFound);
    let error = starknet_error(client.get_transaction_by_hash(Felt::from(99u64)).await.map(|_| ()));
    assert_eq!(error, StarknetError::TransactionHashNotFound);
    let error = starknet_error(
        client.get_nonce(BlockId::Tag(BlockTag::Latest), Felt::from(77u64)).await.map(|_| ()),
    );
    assert_eq!(error, StarknetError::ContractNotFound);
    let error = starknet_error(
        client.get_class(BlockId::Tag(BlockTag::Latest), Felt::from(77u64)).await.map(|_| ()),
    );
    assert_eq!(error, StarknetError::ClassHashNotFound);
    // Commitment off: roots are 0 and proofs are refused.
    let block = client.get_block_with_tx_hashes(BlockId::Number(0)).await.unwrap();
    let MaybePreConfirmedBlockWithTxHashes::Block(block) = block else { panic!() };
    assert_eq!(block.new_root, Felt::ZERO);
    // STORAGE_PROOF_NOT_SUPPORTED (42): starknet-providers 0.16 does not map this code to its
    // `StarknetError` variant, so it arrives as the raw JSON-RPC error.
    let error = client
        .get_storage_proof(starknet_core::types::ConfirmedBlockId::Latest, [], [], [])
        .await
        .unwrap_err();
    match error {
        ProviderError::Other(other) => assert!(format!("{other:?}").contains("code: 42")),
        ProviderError::StarknetError(error) => {
            assert_eq!(error, StarknetError::StorageProofNotSupported)
        }
        other => panic!("expected error 42, got {other:?}"),
    }

    // A nonce already used.
    let account = devnet.account(0);
    let call = Call {
        to: devnet.node.genesis().fibonacci_address,
        selector: selector("fibonacci"),
        calldata: vec![Felt::from(3u64)],
    };
    let first = account
        .execute_v3(vec![call.clone()])
        .nonce(Felt::ZERO)
        .l1_gas(0)
        .l2_gas(1_000_000)
        .l1_data_gas(0)
        .tip(0)
        .send()
        .await
        .unwrap();
    wait_for_receipt(&client, first.transaction_hash).await;
    let stale = account
        .execute_v3(vec![call.clone()])
        .nonce(Felt::ZERO)
        .l1_gas(0)
        .l2_gas(1_000_001)
        .l1_data_gas(0)
        .tip(0)
        .send()
        .await;
    match stale {
        Err(starknet_accounts::AccountError::Provider(ProviderError::StarknetError(
            StarknetError::InvalidTransactionNonce(_),
        ))) => {}
        other => panic!("expected INVALID_TRANSACTION_NONCE, got {other:?}"),
    }

    // A signature by the wrong key.
    let dev = &devnet.node.genesis().accounts[0];
    let forger = SingleOwnerAccount::new(
        devnet.client(),
        LocalWallet::from(SigningKey::from_secret_scalar(Felt::from(42u64))),
        dev.address,
        devnet.node.config().chain_id.as_felt(),
        ExecutionEncoding::Legacy,
    );
    let forged = forger
        .execute_v3(vec![call])
        .l1_gas(0)
        .l2_gas(1_000_000)
        .l1_data_gas(0)
        .tip(0)
        .send()
        .await;
    match forged {
        Err(starknet_accounts::AccountError::Provider(ProviderError::StarknetError(
            StarknetError::ValidationFailure(_),
        ))) => {}
        other => panic!("expected VALIDATION_FAILURE, got {other:?}"),
    }
    devnet.stop().await;
}
