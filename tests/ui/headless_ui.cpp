// The page's UI code run headless (Dear ImGui without a renderer): every panel and every seed example
// for a few hundred frames with synthetic mouse and keyboard input, under ASan/UBSan in the native
// preset. Checks that each panel window exists, that the text mirror is published, and that the
// scenario survives the UI (nothing it draws corrupts it).
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "app.hpp"
#include "panels.hpp"
#include "envelope/examples.hpp"
#include "envelope/link.hpp"
#include "imgui.h"
#include "imgui_internal.h"

namespace envelope::ui {
const std::string& embedded_font();
}

using namespace envelope;
using namespace envelope::ui;

namespace {
class FakeHost final : public Host {
 public:
  std::map<std::string, std::string> storage;
  std::string fragment, clipboard, published_text, published_json;
  int publishes = 0;
  std::string storage_get(const std::string& k) override { return storage.count(k) ? storage[k] : ""; }
  bool storage_full = false;  // storage_set fails, as a full or disabled localStorage does
  bool storage_set(const std::string& k, const std::string& v) override {
    if (storage_full) return false;
    storage[k] = v;
    return true;
  }
  std::string location_fragment() override { return fragment; }
  void set_location_fragment(const std::string& f) override { fragment = f; }
  void copy_to_clipboard(const std::string& t) override { clipboard = t; }
  void save_file(const std::string&, const std::string&, const std::string&) override {}
  std::string notified;
  void notify(const std::string& m) override { notified = m; }
  void publish(const std::string& json, const std::string& text, const std::string&) override {
    published_json = json;
    published_text = text;
    ++publishes;
  }
};

struct ImGuiHeadless {
  ImGuiHeadless() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1400, 900);
    io.DeltaTime = 1.0f / 60;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImFontConfig cfg;
    cfg.FontDataOwnedByAtlas = false;
    const std::string& ttf = embedded_font();
    REQUIRE(!ttf.empty());
    io.Fonts->AddFontFromMemoryTTF(const_cast<char*>(ttf.data()), static_cast<int>(ttf.size()), 15.0f, &cfg);
    unsigned char* pixels;
    int w, h;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  ~ImGuiHeadless() { ImGui::DestroyContext(); }
};

void run_frames(App& app, int frames, std::mt19937& rng) {
  ImGuiIO& io = ImGui::GetIO();
  std::uniform_real_distribution<float> x(0, io.DisplaySize.x), y(0, io.DisplaySize.y);
  for (int f = 0; f < frames; ++f) {
    io.AddMousePosEvent(x(rng), y(rng));
    if (f % 7 == 0) io.AddMouseButtonEvent(0, true);
    if (f % 7 == 1) io.AddMouseButtonEvent(0, false);
    if (f % 31 == 0) io.AddKeyEvent(ImGuiKey_Tab, true);
    if (f % 31 == 1) io.AddKeyEvent(ImGuiKey_Tab, false);
    if (f % 13 == 0) io.AddMouseWheelEvent(0, -1);
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
  }
}
}  // namespace

TEST_CASE("every panel is drawn headless for every seed example", "[ui]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  std::mt19937 rng(7);
  run_frames(app, 5, rng);
  for (const char* name : {"Model & hardware", "Memory", "Training", "Inference", "Traffic & serving", "Storage", "Cost",
                           "Reference", "Examples", "Scenarios", "Validation", "Planner"}) {
    INFO(name);
    CHECK(ImGui::FindWindowByName(name) != nullptr);
  }
  for (const Example& e : examples()) {
    INFO(e.id);
    app.set_scenario(e.scenario);
    CHECK(host.fragment.rfind("#s=", 0) == 0);
    CHECK(host.published_text.find("cost.monthly_usd") != std::string::npos);  // every example includes some cost
    run_frames(app, 200, rng);
  }
  // Themes and units flip without trouble.
  app.dark_theme = false;
  app.binary_units = true;
  app.apply_theme();
  run_frames(app, 50, rng);
  CHECK(host.publishes > static_cast<int>(examples().size()));
}

TEST_CASE("start-up: a broken link keeps the autosaved scenario and says why", "[ui]") {
  ImGuiHeadless imgui;
  FakeHost host;
  {
    App first(host);
    first.start();
    Scenario s;
    s.inference.batch = 48;
    first.set_scenario(s);
  }
  host.fragment = "#s=%7Bbroken";
  App app(host);
  app.start();
  CHECK(app.scenario().inference.batch == 48);
  CHECK(app.message.find("not valid JSON") != std::string::npos);
  CHECK(host.notified.find("not valid JSON") != std::string::npos);
  // A link with one bad field loads the rest and lists the problem.
  app.load_text("#s={\"inference\":{\"batch\":-3,\"output_tokens\":77}}", "link");
  CHECK(app.scenario().inference.output_tokens == 77);
  REQUIRE(app.problems.size() == 1);
  CHECK(app.problems[0].path == "inference.batch");
  // Reload without a fragment restores the autosave.
  host.fragment.clear();
  App again(host);
  again.start();
  CHECK(again.scenario().inference.output_tokens == 77);
}

TEST_CASE("named scenarios: save, rename, open, delete", "[ui]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  Scenario s;
  s.name = "plan A";
  s.hardware.count = 16;
  app.set_scenario(s);
  CHECK(app.save_named("plan A", false).ok);
  app.set_scenario(Scenario{});
  CHECK(app.rename_named("plan A", "plan B").ok);
  REQUIRE(app.saved_names() == std::vector<std::string>{"plan B"});
  app.export_named("plan B", "link");
  CHECK(host.clipboard.find("%22count%22%3A16") != std::string::npos);
  CHECK(app.open_named("plan B").ok());
  CHECK(app.scenario().hardware.count == 16);
  CHECK(app.delete_named("plan B").ok);
  CHECK(app.saved_names().empty());
}

TEST_CASE("named scenarios: an existing name is replaced only when asked", "[ui]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  Scenario s;
  s.hardware.count = 4;
  app.set_scenario(s);
  REQUIRE(app.save_named("plan", false).ok);
  const std::string first = host.storage["envelope.saved"];
  s.hardware.count = 9;
  app.set_scenario(s);
  const StoreResult again = app.save_named("plan", false);
  CHECK_FALSE(again.ok);
  CHECK(again.exists);
  CHECK(host.storage["envelope.saved"] == first);
  CHECK(app.save_named("plan", true).ok);
  CHECK(host.storage["envelope.saved"] != first);
  // Another tab's save (written straight to storage) is kept by the next save here.
  host.storage["envelope.saved"] = R"({"plan":"{}","theirs":"{\"version\":1}"})";
  app.storage_changed();
  CHECK(app.save_named("mine", false).ok);
  CHECK(host.storage["envelope.saved"].find("theirs") != std::string::npos);
  CHECK(app.saved_names().size() == 3);
}

TEST_CASE("named scenarios: an unreadable store is kept aside before anything is written", "[ui]") {
  ImGuiHeadless imgui;
  FakeHost host;
  const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  for (const std::string& bad : {std::string(R"({"a":"{}";"b":"{}"})"), std::string("[1,2]"), deep}) {
    host.storage.clear();
    host.storage["envelope.saved"] = bad;
    App app(host);
    app.start();
    CHECK(host.storage["envelope.saved.unreadable"] == bad);
    CHECK(app.message.find("could not be read") != std::string::npos);
    CHECK(app.saved_names().empty());
    CHECK(app.save_named("new", false).ok);
    CHECK(host.storage["envelope.saved.unreadable"] == bad);
  }
  // When it cannot be copied aside, nothing is written and saving says why.
  host.storage.clear();
  host.storage["envelope.saved"] = "{broken";
  App app(host);
  host.storage_full = true;
  app.start();
  const StoreResult r = app.save_named("new", false);
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("could not be copied aside") != std::string::npos);
  CHECK(host.storage["envelope.saved"] == "{broken");
}

TEST_CASE("saving when storage refuses says so, and names are checked", "[ui]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  host.storage_full = true;
  app.set_scenario(Scenario{});
  CHECK(app.message.find("does not let the page save") != std::string::npos);
  CHECK(host.fragment.rfind("#s=", 0) == 0);  // the link keeps the scenario
  const StoreResult r = app.save_named("plan", false);
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("full or turned off") != std::string::npos);
  host.storage_full = false;
  CHECK_FALSE(app.save_named("\xED\xA0\x80", false).ok);     // a UTF-16 surrogate: not UTF-8
  CHECK_FALSE(app.save_named(std::string(201, 'n'), false).ok);  // over 200 characters
  CHECK(app.save_named(std::string(200, 'n'), false).ok);
}

namespace {
// Clicks into the number box of `path`, types `text`, then presses `key` (Tab or Enter) or clicks
// elsewhere (ImGuiKey_None): the ways an edit ends.
void type_into(App& app, const std::string& path, const std::string& text, ImGuiKey key) {
  ImGuiIO& io = ImGui::GetIO();
  auto frame = [&] {
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
  };
  frame();
  const WidgetRect* w = nullptr;
  for (const WidgetRect& r : app.widgets)
    if (r.path == path && r.y > 0 && r.y + r.h < io.DisplaySize.y) w = &r;
  INFO("no visible input box for " << path);
  REQUIRE(w != nullptr);
  const float cx = w->x + w->w / 2, cy = w->y + w->h / 2;
  io.AddMousePosEvent(cx, cy);
  frame();
  io.AddMouseButtonEvent(0, true);
  frame();
  io.AddMouseButtonEvent(0, false);
  frame();
  // Select all and replace (the box selects its text on activation).
  io.AddKeyEvent(ImGuiMod_Ctrl, true);
  io.AddKeyEvent(ImGuiKey_A, true);
  frame();
  io.AddKeyEvent(ImGuiKey_A, false);
  io.AddKeyEvent(ImGuiMod_Ctrl, false);
  frame();
  for (char c : text) io.AddInputCharacter(static_cast<unsigned char>(c));
  frame();
  if (key != ImGuiKey_None) {
    io.AddKeyEvent(key, true);
    frame();
    io.AddKeyEvent(key, false);
  } else {
    io.AddMousePosEvent(2, io.DisplaySize.y - 2);
    frame();
    io.AddMouseButtonEvent(0, true);
    frame();
    io.AddMouseButtonEvent(0, false);
  }
  frame();
  frame();
}
}  // namespace

TEST_CASE("typed input is what it computes: 1,000,000 then Tab sets 1e6, 50M then Enter, $500K on focus loss", "[ui][input]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  type_into(app, "traffic.users", "1,000,000", ImGuiKey_Tab);
  CHECK(app.scenario().traffic.users == 1e6);
  type_into(app, "traffic.users", "50M", ImGuiKey_Enter);
  CHECK(app.scenario().traffic.users == 50e6);
  type_into(app, "training.budget_usd", "$500K", ImGuiKey_None);
  CHECK(app.scenario().training.budget_usd == 500000);
  type_into(app, "traffic.active_fraction", "2.5%", ImGuiKey_Tab);
  CHECK(app.scenario().traffic.active_fraction == Approx(0.025));
  // The link carries what was typed.
  CHECK(host.fragment.find("50000000") != std::string::npos);
}

TEST_CASE("an unreadable or out-of-range entry leaves the scenario unchanged and says why", "[ui][input]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  const Scenario before = app.scenario();
  type_into(app, "traffic.users", "12 apples", ImGuiKey_Tab);
  CHECK(app.scenario().traffic.users == before.traffic.users);
  bool reason = false;
  for (const auto& [key, edit] : app.field_edits)
    if (std::string(edit.text) == "12 apples" && edit.error.find("not a unit") != std::string::npos) reason = true;
  CHECK(reason);
  type_into(app, "inference.batch", "0", ImGuiKey_Enter);  // limits: 1 .. 1e6
  CHECK(app.scenario().inference.batch == before.inference.batch);
  bool range = false;
  for (const auto& [key, edit] : app.field_edits)
    if (edit.error.find("between") != std::string::npos) range = true;
  CHECK(range);
}

TEST_CASE("a custom accelerator's spec is typed in the Model and hardware panel and carried by the link", "[ui][input]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  Scenario s = app.scenario();
  s.hardware.gpu = kCustomAccelerator;
  s.hardware.name = "My NPU";
  s.hardware.memory_gb = 64;
  s.hardware.bandwidth_gbps = 1000;
  s.hardware.peak_tflops = 300;
  app.set_scenario(s);
  // The panel's hardware part is below its fold: scroll it into view, as a user would.
  auto scroll_to_hardware = [&] {
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
    ImGuiWindow* w = ImGui::FindWindowByName("Model & hardware");
    REQUIRE(w != nullptr);
    ImGui::SetScrollY(w, w->ScrollMax.y);
  };
  scroll_to_hardware();
  scroll_to_hardware();  // the first frame after set_scenario lays the panel out
  type_into(app, "hardware.peak_tflops", "450", ImGuiKey_Enter);
  CHECK(app.scenario().hardware.peak_tflops == 450);
  scroll_to_hardware();
  type_into(app, "hardware.tdp_w", "350", ImGuiKey_Tab);
  CHECK(app.scenario().hardware.tdp_w == 350);
  CHECK(app.report().value("hardware.peak_flops") == 450e12);
  // The link holds the whole device: reopening it gives the same scenario.
  const LoadResult back = decode_link(host.fragment);
  REQUIRE(back.problems.empty());
  CHECK(back.scenario.hardware.gpu == "custom");
  CHECK(back.scenario.hardware.name == "My NPU");
  CHECK(back.scenario.hardware.peak_tflops == 450);
  CHECK(back.scenario.hardware.tdp_w == 350);
}

TEST_CASE("the Recommender panel shows a recommender example and takes typed input", "[ui][input][recommender]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  const Example* e = find_example("recsys-dlrm-realtime");
  REQUIRE(e != nullptr);
  app.set_scenario(e->scenario);
  std::mt19937 rng(3);
  run_frames(app, 5, rng);
  REQUIRE(ImGui::FindWindowByName("Recommender") != nullptr);
  show_panel("Recommender");
  // Bring the whole panel on screen (its first-use place may be collapsed at the foot of a column).
  ImGui::SetWindowPos("Recommender", ImVec2(0, 30));
  ImGui::SetWindowSize("Recommender", ImVec2(500, 860));
  ImGui::SetWindowCollapsed("Recommender", false);
  ImGui::SetWindowFocus("Recommender");
  CHECK(host.published_text.find("recommender.machines") != std::string::npos);
  type_into(app, "recommender.candidates_per_request", "1k", ImGuiKey_Enter);
  CHECK(app.scenario().recommender.candidates_per_request == 1000);
  CHECK(app.report().find("recommender.mlp_flops_per_request")->value == Approx(2 * 16044545.0 * 1000));
}

TEST_CASE("the Planner's serving tab draws the trade-off chart with its Pareto front and TPOT target", "[ui][planner][tradeoff]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  // Llama 3 70B at 1,000 peak QPS on H100 (issue 15), typed as a link.
  app.load_text(R"(#s={"model":{"preset":"llama-3-70b"},"hardware":{"gpu":"h100-sxm"},)"
                R"("inference":{"prompt_tokens":500,"output_tokens":200},"traffic":{"peak_qps":1000}})",
                "link");
  REQUIRE(app.problems.empty());
  std::mt19937 rng(5);
  run_frames(app, 3, rng);
  show_panel("Planner");
  ImGui::SetWindowPos("Planner", ImVec2(0, 30));
  ImGui::SetWindowSize("Planner", ImVec2(700, 860));
  ImGui::SetWindowCollapsed("Planner", false);
  ImGui::SetWindowFocus("Planner");
  select_planner_tab("Serving");
  ImGuiIO& io = ImGui::GetIO();
  io.AddMousePosEvent(-1, -1);  // no input: nothing clicks the chart's header shut
  for (int f = 0; f < 4; ++f) {
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
  }
  const TradeoffChartDrawn& d = tradeoff_chart_drawn();
  CHECK(d.frame == ImGui::GetFrameCount());  // drawn in the last frame
  CHECK(d.points >= 75);                        // weights x TP x batch that fit (tests/core/test_serving_tradeoff.cpp)
  CHECK(d.front >= 3);
  CHECK(d.front < d.points);
  CHECK(d.target_line);
  // Hovering the chart area shows a tooltip without trouble; the Training tab hides the chart again.
  run_frames(app, 60, rng);
  select_planner_tab("Training");
  for (int f = 0; f < 3; ++f) {
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
  }
  CHECK(tradeoff_chart_drawn().frame < ImGui::GetFrameCount());  // the tab switch applies within a frame
}

TEST_CASE("Traffic & serving offers expert parallel for an MoE model only, and a typed value reaches the report",
          "[ui][input][expert_parallel]") {
  ImGuiHeadless imgui;
  FakeHost host;
  App app(host);
  app.start();
  auto shows_field = [&](const char* path) {
    for (const WidgetRect& r : app.widgets)
      if (r.path == path) return true;
    return false;
  };
  const LoadResult moe = load_scenario_json(R"({"model":{"preset":"mixtral-8x22b"},"hardware":{"gpu":"h100-sxm"},)"
                                           R"("inference":{"weights":"fp8"},"serving":{"tensor_parallel":2,"batch":64}})");
  REQUIRE(moe.problems.empty());
  app.set_scenario(moe.scenario);
  std::mt19937 rng(9);
  run_frames(app, 5, rng);
  show_panel("Traffic & serving");
  ImGui::SetWindowPos("Traffic & serving", ImVec2(0, 30));
  ImGui::SetWindowSize("Traffic & serving", ImVec2(500, 860));
  ImGui::SetWindowCollapsed("Traffic & serving", false);
  ImGui::SetWindowFocus("Traffic & serving");
  type_into(app, "serving.expert_parallel", "2", ImGuiKey_Enter);
  CHECK(app.scenario().serving.expert_parallel == 2);
  CHECK(app.report().value("serving.gpus_per_replica") == 4);
  // A dense model has no expert-parallel box.
  Scenario dense;
  dense.model.preset = "llama-3-70b";
  app.set_scenario(dense);
  for (int f = 0; f < 2; ++f) {
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
  }
  CHECK(shows_field("serving.tensor_parallel"));
  CHECK(!shows_field("serving.expert_parallel"));
}
