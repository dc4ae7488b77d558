import { http } from '@google-cloud/functions-framework';
import { questionFunction } from './function';

http('question', questionFunction());
