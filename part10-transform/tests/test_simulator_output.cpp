// Part 10: the reader of deferred-simulator's diagrams (simulator_output.hpp), which exercise
// 2's check relies on, tried on the narrow layout issue 5 specifies byte for byte, and on the
// column switch of the issue's side-by-side example, redrawn narrow. If part 9's simulator ever
// draws differently, these tests say whether the reader or the simulator moved.
#include <stdexcept>
#include <string>
#include <vector>

#include "pim/testing/catch.hpp"
#include "simulator_output.hpp"

using part10::DrawnSimulation;
using part10::Side;

namespace {

// `deferred-simulator --narrow --quiet` for the pairs `p p` and `r x f y` (issue 5).
const std::string passthru_then_x_or_y = R"(                                      
               Deferred               
               --------               
                                      
------------------  ------------------
|                |  |                |
|    passthru    |  |    passthru    |
|                |  |                |
------------------  ------------------
                                      
                                      
                                      
------------------  ------------------
|                |  |                |
|    return x    |  |     fail y     |
|                |  |                |
------------------  ------------------

                                      
                                      
         d.callback(initial)          
         -------------------          
                                      
     initial                          
        |                             
        |                             
       \|/                            
------------------                    
|    initial     |                    
|                |                    
|    initial     |                    
------------------                    
        |                             
        |                             
       \|/                            
------------------                    
|    initial     |                    
|                |                    
|       x        |                    
------------------                    
        |                             
        |                             
       \|/                            
        x                             

                                                
                                                
         d.errback(initial*)                    
         -------------------                    
                                                
                         initial*               
                            |                   
                            |                   
                           \|/                  
                    ------------------          
                    |    initial*    |          
                    |                |          
                    |    initial*    |          
                    ------------------          
                            |                   
                            |                   
                           \|/                  
                    ------------------          
                    |    initial*    |          
                    |                |          
                    |       y*       |          
                    ------------------          
                            |                   
                            |                   
                           \|/                  
                            y*                  

)";

// Rows padded to one width, as the simulator pads its grids, then the empty line ending a grid.
std::string grid(const std::vector<std::string>& rows) {
  std::string text;
  for (const std::string& row : rows)
    text += row + std::string(row.size() < 40 ? 40 - row.size() : 0, ' ') + "\n";
  return text + "\n";
}

// The pairs `r good f bad` and `f googly p`, drawn narrow: issue 5's side-by-side example, each
// diagram moved to column 0.
const std::string good_then_googly =
    grid({"", "               Deferred", "               --------", "",
          "------------------  ------------------", "|                |  |                |",
          "|  return good   |  |    fail bad    |", "|                |  |                |",
          "------------------  ------------------", "", "", "",
          "------------------  ------------------", "|                |  |                |",
          "|  fail googly   |  |    passthru    |", "|                |  |                |",
          "------------------  ------------------"}) +
    grid({"",
          "         d.callback(initial)",
          "         -------------------",
          "",
          "     initial",
          "        |",
          "        |",
          "       \\|/",
          "------------------",
          "|    initial     |",
          "|                |",
          "|      good      |",
          "------------------",
          "        |",
          "        |",
          "       \\|/",
          "------------------",
          "|      good      |",
          "|                |",
          "|    googly*     |",
          "------------------",
          "        |",
          "        |-------------------|",
          "                           \\|/",
          "                         googly*"}) +
    grid({"",
          "         d.errback(initial*)",
          "         -------------------",
          "",
          "                         initial*",
          "                            |",
          "                            |",
          "                           \\|/",
          "                    ------------------",
          "                    |    initial*    |",
          "                    |                |",
          "                    |      bad*      |",
          "                    ------------------",
          "                            |",
          "                            |",
          "                           \\|/",
          "                    ------------------",
          "                    |      bad*      |",
          "                    |                |",
          "                    |      bad*      |",
          "                    ------------------",
          "                            |",
          "                            |",
          "                           \\|/",
          "                            bad*"});

}  // namespace

TEST_CASE("the diagram reader finds the chain's pairs by their captions",
          "[part10][simulator][exercise]") {
  const DrawnSimulation drawn = part10::read_narrow_output(passthru_then_x_or_y);
  REQUIRE(drawn.chain.size() == 2);
  CHECK(drawn.chain[0].callback == "passthru");
  CHECK(drawn.chain[0].errback == "passthru");
  CHECK(drawn.chain[1].callback == "return x");
  CHECK(drawn.chain[1].errback == "fail y");
}

TEST_CASE("the diagram reader follows a firing that stays on one line",
          "[part10][simulator][exercise]") {
  const DrawnSimulation drawn = part10::read_narrow_output(passthru_then_x_or_y);
  CHECK(drawn.on_callback.initial == "initial");
  REQUIRE(drawn.on_callback.boxes.size() == 2);
  CHECK(drawn.on_callback.boxes[0].side == Side::callback);
  CHECK(drawn.on_callback.boxes[0].input == "initial");
  CHECK(drawn.on_callback.boxes[0].output == "initial");
  CHECK(drawn.on_callback.boxes[1].side == Side::callback);
  CHECK(drawn.on_callback.boxes[1].output == "x");
  CHECK(drawn.on_callback.result == "x");

  CHECK(drawn.on_errback.initial == "initial*");
  REQUIRE(drawn.on_errback.boxes.size() == 2);
  CHECK(drawn.on_errback.boxes[0].side == Side::errback);
  CHECK(drawn.on_errback.boxes[1].side == Side::errback);
  CHECK(drawn.on_errback.boxes[1].input == "initial*");
  CHECK(drawn.on_errback.boxes[1].output == "y*");
  CHECK(drawn.on_errback.result == "y*");
  CHECK(part10::is_failure(drawn.on_errback.result));
  CHECK_FALSE(part10::is_failure(drawn.on_callback.result));
}

TEST_CASE("the diagram reader sees where a firing switches to the errback line",
          "[part10][simulator][exercise]") {
  const DrawnSimulation drawn = part10::read_narrow_output(good_then_googly);
  REQUIRE(drawn.chain.size() == 2);
  CHECK(drawn.chain[1].callback == "fail googly");
  REQUIRE(drawn.on_callback.boxes.size() == 2);
  CHECK(drawn.on_callback.boxes[1].side == Side::callback);
  CHECK(drawn.on_callback.boxes[1].output == "googly*");
  // The failure leaves the last box and ends up under the errback column.
  CHECK(drawn.on_callback.result == "googly*");
  REQUIRE(drawn.on_errback.boxes.size() == 2);
  CHECK(drawn.on_errback.boxes[0].output == "bad*");
  CHECK(drawn.on_errback.boxes[1].side == Side::errback);
  CHECK(drawn.on_errback.result == "bad*");
}

TEST_CASE("the diagram reader refuses output without the three diagrams",
          "[part10][simulator][exercise]") {
  CHECK_THROWS_AS(part10::read_narrow_output(""), std::runtime_error);
  CHECK_THROWS_AS(part10::read_narrow_output("ERROR: bad command: x\n"), std::runtime_error);
  // The chain alone: the two firing diagrams are missing.
  const std::string chain_only =
      passthru_then_x_or_y.substr(0, passthru_then_x_or_y.find("\n\n") + 2);
  CHECK_THROWS_AS(part10::read_narrow_output(chain_only), std::runtime_error);
}
