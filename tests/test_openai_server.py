"""The OpenAI-compatible test server, exercised over real HTTP with the openai SDK, ChatOpenAI and a LangChain agent."""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.request

import openai
import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

from agent.evals.openai_server import (
    NOT_FOUND_REPLY,
    Fault,
    OpenAITestServer,
    Reply,
    ToolCall,
    token_count,
)

QUESTION = [{"role": "user", "content": "今年的党建工作有哪些亮点？"}]
ANSWER = "今年共开展三会一课十二次，警示教育四次。"

EVIDENCE = """请只根据资料回答。
<资料>
[S1] 《某街道2022年工作总结》 › 一、全面从严治党 › （一）落实主体责任
严格落实全面从严治党主体责任，
召开专题会议6次。签订责任书38份。
[S2] 《某街道2021年述职报告》 › 二、基层治理
完成老旧小区改造3个。
</资料>
问题：主体责任落实得怎样？"""


def sdk(server: OpenAITestServer, **options: object) -> openai.OpenAI:
    """An openai client for the server that never retries."""
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, **options)


def chat_model(server: OpenAITestServer, **options: object) -> ChatOpenAI:
    """A ChatOpenAI for the server that never retries."""
    return ChatOpenAI(base_url=server.base_url, api_key="sk-test", model="test-model", max_retries=0, **options)


def ask(client: openai.OpenAI, **options: object):
    """One chat completion of QUESTION."""
    return client.chat.completions.create(model="test-model", messages=QUESTION, **options)


@tool
def search_reports(query: str, k: int = 3) -> str:
    """Search past work reports for passages about a topic."""
    return f"找到{k}条关于{query}的资料"


# --- chat completions --------------------------------------------------------------------------------------------

def test_non_streaming_chat_returns_the_scripted_text_with_usage() -> None:
    with OpenAITestServer() as server:
        server.script(ANSWER)
        completion = ask(sdk(server))
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == ANSWER
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.prompt_tokens == token_count(QUESTION[0]["content"])
    assert completion.usage.completion_tokens == token_count(ANSWER)
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert server.chat_requests() == [{"model": "test-model", "messages": QUESTION}]
    assert server.state.requests[0]["headers"]["authorization"] == "Bearer sk-test"


def test_streaming_chat_opens_with_the_role_sends_four_character_pieces_and_ends_with_usage() -> None:
    with OpenAITestServer() as server:
        server.script(ANSWER)
        chunks = list(ask(sdk(server), stream=True, stream_options={"include_usage": True}))
    assert chunks[0].choices[0].delta.role == "assistant" and not chunks[0].choices[0].delta.content
    pieces = [chunk.choices[0].delta.content for chunk in chunks[1:-2]]
    assert pieces == [ANSWER[start: start + 4] for start in range(0, len(ANSWER), 4)]
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == token_count(ANSWER)


def test_the_stream_on_the_wire_is_chunked_sse_ending_with_done_and_has_no_usage_unless_asked() -> None:
    with OpenAITestServer() as server:
        server.chunk_size = 10
        server.script(ANSWER)
        request = urllib.request.Request(f"{server.base_url}/chat/completions", method="POST",
                                         data=json.dumps({"model": "m", "messages": QUESTION, "stream": True}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            content_type, encoding = response.headers["Content-Type"], response.headers["Transfer-Encoding"]
            events = [line for line in response.read().decode("utf-8").split("\n\n") if line]
    assert content_type.startswith("text/event-stream") and encoding == "chunked"
    assert all(event.startswith("data: ") for event in events) and events[-1] == "data: [DONE]"
    chunks = [json.loads(event[len("data: "):]) for event in events[:-1]]
    assert len(chunks) == 1 + math.ceil(len(ANSWER) / 10) + 1  # role, pieces, finish; no usage chunk
    assert all("usage" not in chunk for chunk in chunks)


def test_chunk_delay_spaces_the_pieces_so_the_first_token_arrives_well_before_the_last() -> None:
    with OpenAITestServer() as server:
        server.chunk_delay = 0.05
        server.script("一二三四五六七八九十一二三四五六七八九十一二三四")  # six pieces
        start = time.monotonic()
        arrivals = [time.monotonic() - start for chunk in ask(sdk(server), stream=True)
                    if chunk.choices and chunk.choices[0].delta.content]
    assert len(arrivals) == 6
    # spaced, not buffered: the last piece comes five delays after the first (measured from the first piece, not
    # from the request: a cold client's first connection can take longer than the whole stream)
    assert arrivals[-1] - arrivals[0] >= 0.2


def test_chat_openai_invoke_and_stream_assemble_the_text_and_report_usage() -> None:
    with OpenAITestServer() as server:
        server.script(ANSWER, ANSWER)
        model = chat_model(server, stream_usage=True)  # off by default for a custom base_url
        message = model.invoke([HumanMessage(QUESTION[0]["content"])])
        chunks = list(model.stream([HumanMessage(QUESTION[0]["content"])]))
    assert message.content == ANSWER
    assert message.usage_metadata["input_tokens"] == token_count(QUESTION[0]["content"])
    assert message.usage_metadata["output_tokens"] == token_count(ANSWER)
    streamed = sum(chunks[1:], chunks[0])
    assert len(chunks) > 5 and streamed.content == ANSWER
    assert streamed.usage_metadata["output_tokens"] == token_count(ANSWER)
    assert server.chat_requests()[1]["stream_options"] == {"include_usage": True}


# --- tool calls ---------------------------------------------------------------------------------------------------

def test_a_bound_tool_call_comes_back_with_parsed_arguments() -> None:
    with OpenAITestServer() as server:
        server.script(Reply(tool_calls=[ToolCall("search_reports", {"query": "三会一课", "k": 5})]))
        message = chat_model(server).bind_tools([search_reports]).invoke("查一下三会一课")
    assert message.tool_calls == [{"name": "search_reports", "args": {"query": "三会一课", "k": 5},
                                   "id": "call_1", "type": "tool_call"}]
    assert message.response_metadata["finish_reason"] == "tool_calls"
    assert server.chat_requests()[0]["tools"][0]["function"]["name"] == "search_reports"


def test_streamed_tool_calls_are_reassembled_from_split_arguments() -> None:
    calls = [ToolCall("search_reports", {"query": "警示教育", "k": 2}, id="call_a"),
             ToolCall("search_reports", {"query": "信访维稳"})]
    with OpenAITestServer() as server:
        server.script(Reply(content="我先查一下。", tool_calls=calls))
        chunks = list(chat_model(server).bind_tools([search_reports]).stream("查资料"))
    message = sum(chunks[1:], chunks[0])
    assert isinstance(message, AIMessageChunk) and message.content == "我先查一下。"
    assert [(call["id"], call["args"]) for call in message.tool_calls] == [
        ("call_a", {"query": "警示教育", "k": 2}), ("call_1", {"query": "信访维稳"})]
    argument_pieces = [piece for chunk in chunks for piece in chunk.tool_call_chunks if piece["args"]]
    assert len(argument_pieces) == 4  # two pieces per call, so the client really had to join them


def test_an_agent_calls_the_tool_and_answers_from_its_result() -> None:
    with OpenAITestServer() as server:
        server.script(Reply(tool_calls=[ToolCall("search_reports", {"query": "三会一课"})]),
                      "共找到3条资料。")
        agent = create_agent(model=chat_model(server), tools=[search_reports])
        result = agent.invoke({"messages": [HumanMessage("三会一课开展得怎样？")]})
    assert result["messages"][-1].content == "共找到3条资料。"
    tool_messages = [message for message in result["messages"] if isinstance(message, ToolMessage)]
    assert [message.content for message in tool_messages] == ["找到3条关于三会一课的资料"]
    second = server.chat_requests()[1]["messages"]
    assert second[-2]["tool_calls"][0]["id"] == "call_1"
    assert second[-1] == {"role": "tool", "content": "找到3条关于三会一课的资料",
                          "tool_call_id": "call_1"}


# --- the default responder ----------------------------------------------------------------------------------------

def test_grounded_echo_quotes_the_first_sentence_of_s1_from_the_last_user_message() -> None:
    earlier = "<资料>\n[S1] 《旧文》\n不该被引用。\n</资料>"
    with OpenAITestServer() as server:
        message = chat_model(server).invoke([HumanMessage(earlier), HumanMessage(EVIDENCE)])
    assert message.content == "严格落实全面从严治党主体责任，召开专题会议6次[S1]。"


def test_grounded_echo_says_nothing_was_found_without_an_s1_passage() -> None:
    with OpenAITestServer() as server:
        streamed = "".join(chunk.content for chunk in chat_model(server).stream("没有资料的问题"))
        only_s2 = chat_model(server).invoke("<资料>\n[S2] 《文》\n正文。\n</资料>").content
    assert streamed == only_s2 == NOT_FOUND_REPLY


def test_the_script_wins_over_a_custom_responder_until_it_runs_out() -> None:
    with OpenAITestServer() as server:
        server.responder = lambda body: Reply(content=f"收到{len(body['messages'])}条消息")
        server.script("第一条", Reply(content="第二条"))
        answers = [ask(sdk(server)).choices[0].message.content for _ in range(3)]
    assert answers == ["第一条", "第二条", "收到1条消息"]


def test_concurrent_requests_are_all_recorded_and_each_scripted_reply_is_used_once() -> None:
    answers: list[str] = []
    with OpenAITestServer() as server:
        server.script(*[f"回答{number}" for number in range(12)])
        client = sdk(server)
        workers = [threading.Thread(target=lambda: answers.append(ask(client).choices[0].message.content))
                   for _ in range(12)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert sorted(answers) == sorted(f"回答{number}" for number in range(12))
    assert len(server.chat_requests()) == 12


# --- faults -------------------------------------------------------------------------------------------------------

def test_a_legacy_429_tuple_is_a_rate_limit_error_with_a_readable_retry_after() -> None:
    with OpenAITestServer() as server:
        server.state.faults.append((429, {"Retry-After": "7"}))
        with pytest.raises(openai.RateLimitError) as raised:
            ask(sdk(server))
        assert ask(sdk(server)).choices[0].message.content  # the fault was used up
    assert raised.value.response.headers["retry-after"] == "7"
    assert raised.value.code == "rate_limit_exceeded" and raised.value.type == "rate_limit_error"


def test_status_faults_are_served_in_order_before_normal_answers() -> None:
    with OpenAITestServer() as server:
        server.state.faults.extend([Fault(kind="status", status=429, headers={"Retry-After": "1"}),
                                    Fault(kind="status", status=500)])
        server.script(ANSWER)
        client = sdk(server)
        with pytest.raises(openai.RateLimitError) as limited:
            ask(client)
        with pytest.raises(openai.InternalServerError) as failed:
            ask(client)
        answer = ask(client).choices[0].message.content
    assert limited.value.response.headers["Retry-After"] == "1"
    assert failed.value.type == "server_error"
    assert answer == ANSWER  # the script was not consumed by the faults


def test_a_hang_times_out_on_the_client_and_does_not_hold_up_shutdown() -> None:
    server = OpenAITestServer()
    with server:
        server.state.faults.append(Fault(kind="hang", seconds=30))
        start = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            ask(sdk(server, timeout=0.5))
        timed_out = time.monotonic() - start
        closing = time.monotonic()
    assert 0.4 < timed_out < 2
    assert time.monotonic() - closing < 1


def test_a_stream_cut_after_two_chunks_raises_a_connection_error_after_the_partial_text() -> None:
    # the body is chunked, so the missing terminator is a protocol error: openai wraps httpx's
    # RemoteProtocolError ("incomplete chunked read") into APIConnectionError mid-iteration
    received: list[str] = []
    with OpenAITestServer() as server:
        server.script(ANSWER)
        server.state.faults.append(Fault(kind="cut", after_chunks=2))
        with pytest.raises(openai.APIConnectionError):
            for chunk in ask(sdk(server), stream=True):
                received.append(chunk.choices[0].delta.content or "")
        retried = ask(sdk(server)).choices[0].message.content
    assert "".join(received) == ANSWER[:8]
    assert retried == ANSWER  # a cut answer leaves the scripted reply for the retry


def test_chat_openai_streaming_through_a_cut_raises_its_connection_error_subclass() -> None:
    received: list[str] = []
    with OpenAITestServer() as server:
        server.script(ANSWER)
        server.state.faults.append(Fault(kind="cut", after_chunks=1))
        with pytest.raises(openai.APIConnectionError) as raised:
            for chunk in chat_model(server).stream("问"):
                received.append(chunk.content)
    assert "".join(received) == ANSWER[:4]
    assert type(raised.value).__module__.startswith("langchain_openai")  # OpenAIConnectionError


def test_a_non_streaming_cut_body_is_a_connection_error_for_both_clients() -> None:
    with OpenAITestServer() as server:
        server.state.faults.extend([Fault(kind="cut"), Fault(kind="cut")])
        with pytest.raises(openai.APIConnectionError) as raw:
            ask(sdk(server))
        with pytest.raises(openai.APIConnectionError):
            chat_model(server).invoke("问")
    assert "incomplete" in str(raw.value.__cause__) or "expected" in str(raw.value.__cause__)


def test_a_non_json_body_reaches_the_sdk_as_text_and_chat_openai_rejects_it() -> None:
    # the SDK returns a non-JSON content type as plain text instead of raising; ChatOpenAI then refuses it
    with OpenAITestServer() as server:
        server.state.faults.extend([Fault(kind="invalid_json"), Fault(kind="invalid_json")])
        raw = ask(sdk(server))
        with pytest.raises(ValueError, match="Unexpected response type"):
            chat_model(server).invoke("问")
    assert raw == "<html>bad gateway</html>"


def test_a_stream_whose_data_line_is_not_json_raises_a_decode_error_for_both_clients() -> None:
    with OpenAITestServer() as server:
        server.state.faults.extend([Fault(kind="invalid_json"), Fault(kind="invalid_json")])
        with pytest.raises(json.JSONDecodeError):
            list(ask(sdk(server), stream=True))
        with pytest.raises(json.JSONDecodeError):
            list(chat_model(server).stream("问"))


# --- endpoint checks ----------------------------------------------------------------------------------------------

def test_a_wrong_api_key_is_an_authentication_error_and_the_right_one_works() -> None:
    with OpenAITestServer() as server:
        server.api_key = "sk-right"
        with pytest.raises(openai.AuthenticationError) as raised:
            ask(sdk(server))
        answer = ask(openai.OpenAI(base_url=server.base_url, api_key="sk-right", max_retries=0))
    assert raised.value.code == "invalid_api_key" and "Incorrect API key" in raised.value.message
    assert answer.choices[0].message.content == NOT_FOUND_REPLY


def test_an_unknown_model_is_not_found_and_the_known_ones_are_listed() -> None:
    with OpenAITestServer() as server:
        server.models = {"qwen-plus", "test-model"}
        listed = [model.id for model in sdk(server).models.list()]
        with pytest.raises(openai.NotFoundError) as raised:
            sdk(server).chat.completions.create(model="gpt-9", messages=QUESTION)
        assert ask(sdk(server)).choices[0].message.content
    assert listed == ["qwen-plus", "test-model"]
    assert raised.value.code == "model_not_found" and "The model `gpt-9` does not exist" in raised.value.message


def test_messages_longer_than_the_context_limit_are_a_bad_request() -> None:
    with OpenAITestServer() as server:
        server.context_limit = len(QUESTION[0]["content"])
        fits = ask(sdk(server)).choices[0].message.content
        with pytest.raises(openai.BadRequestError) as raised:
            chat_model(server).invoke([HumanMessage(QUESTION[0]["content"] + "再多一个字")])
    assert fits
    assert raised.value.code == "context_length_exceeded"
    assert f"maximum context length is {server.context_limit} tokens" in raised.value.message


def test_chat_requests_leaves_out_other_endpoints() -> None:
    with OpenAITestServer() as server:
        client = sdk(server)
        client.embeddings.create(model="bge-m3", input=["信访"])
        ask(client)
        client.models.list()
    assert [request["method"] for request in server.state.requests] == ["POST", "POST", "GET"]
    assert server.chat_requests() == [{"model": "test-model", "messages": QUESTION}]
