"""Convert the trained model to ONNX for the serving team."""
import pickle
import sys
from pathlib import Path

from skl2onnx import to_onnx

model = pickle.loads(Path(sys.argv[1]).read_bytes())
onnx_model = to_onnx(model, target_opset=17)
Path(sys.argv[2]).write_bytes(onnx_model.SerializeToString())
