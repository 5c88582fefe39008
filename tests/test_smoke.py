def test_demo_map_renders(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert "Created the demo campaign" in result.output
    page = client.get("/campaigns/1")
    assert page.status_code == 200
    assert "Plannery trial journey" in page.get_data(as_text=True)
