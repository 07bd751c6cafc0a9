/// Every score under the game prefix.
#[subscribe(topic = "com.example.game", match = "prefix")]
pub async fn on_game(event: Scored, details: EventDetails) -> Result<(), String> {
    println!("{}", details.topic);
    Ok(())
}
